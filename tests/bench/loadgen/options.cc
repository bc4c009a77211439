#include "options.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace locknode::loadgen {

[[noreturn]] void Usage() {
  std::fprintf(
      stderr,
      "usage: locknode_loadgen --port P [--pid SERVER_PID] --mode MODE [options]\n"
      "modes:\n"
      "  acquire    SET lock:<random in keys> <36-byte token> NX PX px\n"
      "  contended  the same SET, every client on lock:contended\n"
      "  release    EVALSHA sha 1 key token: half on held keys (prefilled, matching token),\n"
      "             half on absent keys\n"
      "  delex_release  the same releases as DELEX key IFEQ token (Redis 8.4; not in 7.0)\n"
      "  incr       INCR counter:<random in keys> (fencing-token counters)\n"
      "  cycle      per client: SET NX PX, then EVALSHA release of that key (pipeline 1)\n"
      "  txcycle    per client: SET NX PX, then StackExchange.Redis's transactional release:\n"
      "             WATCH key + GET key in one write, then MULTI + DEL key + EXEC in one write\n"
      "  latency    acquire at a fixed total --rate (open loop, latency from intended send)\n"
      "  memory     fill --keys locks lock:<i> PX --px; resident bytes per lock\n"
      "  expiry     fill --keys locks PX --px; time until DBSIZE is 0 after the last deadline\n"
      "  idle       --idle-conns connections (one PING each, none with --idle-ping no); bytes\n"
      "             per connection, PING latency\n"
      "  semaphore  per client: redis-semaphore's acquire script (limit 10) on semaphore:bench,\n"
      "             then ZREM; a refused acquire retries at once; ops are acquire+release cycles\n"
      "  semaphore_memory  --keys / 10 semaphores of 10 holders; resident bytes per semaphore\n"
      "--hash yes: locks are Redisson RLocks (cycle, memory): acquire is EVALSHA of its tryLock\n"
      "           script (a one-field hash <uuid>:<client> -> 1 with PX px), release its unlock\n"
      "           script with ARGV[4] = 'publish', as Redisson sends it (nobody subscribes)\n"
      "  publish    --clients publishers PUBLISH (--pipeline deep) to one channel with one\n"
      "             subscriber reading; ops are messages it received\n"
      "  handoff    --clients waiters loop on BLPOP bench:handoff 0; one pusher RPUSHes one\n"
      "             element per command (--pipeline deep), at most one per waiter outstanding;\n"
      "             ops are elements the waiters received\n"
      "options: --clients 50 --pipeline 1 --seconds 3 --warmup 0.5 --keys 1000000 --px 30000\n"
      "         --rate 20000 --sha SHA --idle-conns 10000 --idle-ping yes|no --io-uring yes|no "
      "--hash yes|no\n"
      "The generator batches its recv/send calls through io_uring (as locknode does) unless\n"
      "--io-uring no or the kernel refuses; otherwise it would run out of CPU before a fast\n"
      "server does.\n");
  std::exit(64);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) Usage();
    const char* v = argv[++i];
    if (a == "--port")
      o.port = std::atoi(v);
    else if (a == "--pid")
      o.pid = std::atoi(v);
    else if (a == "--mode")
      o.mode = v;
    else if (a == "--clients")
      o.clients = std::atoi(v);
    else if (a == "--pipeline")
      o.pipeline = std::atoi(v);
    else if (a == "--seconds")
      o.seconds = std::atof(v);
    else if (a == "--warmup")
      o.warmup = std::atof(v);
    else if (a == "--keys")
      o.keys = std::atoll(v);
    else if (a == "--px")
      o.px = std::atoll(v);
    else if (a == "--rate")
      o.rate = std::atof(v);
    else if (a == "--sha")
      o.sha = v;
    else if (a == "--idle-conns")
      o.idle_conns = std::atoi(v);
    else if (a == "--io-uring")
      o.io_uring = std::string_view(v) != "no";
    else if (a == "--idle-ping")
      o.idle_ping = std::string_view(v) != "no";
    else if (a == "--hash")
      o.hash = std::string_view(v) != "no";
    else
      Usage();
  }
  if (o.clients < 1 || o.pipeline < 1 || o.keys < 1) Usage();
  return o;
}

}  // namespace locknode::loadgen

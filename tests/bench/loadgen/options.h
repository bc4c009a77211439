#pragma once

// locknode_loadgen's command line (see Usage() in options.cc).
#include <cstdint>
#include <string>
#include <string_view>

namespace locknode::loadgen {

struct Options {
  int port = 6379;
  int pid = 0;
  std::string mode = "acquire";
  int clients = 50;
  int pipeline = 1;
  double seconds = 3;
  double warmup = 0.5;
  int64_t keys = 1'000'000;
  int64_t px = 30000;
  double rate = 20000;
  std::string sha;
  int idle_conns = 10000;
  bool idle_ping = true;  // idle: each connection sends one PING (no: connects only)
  bool io_uring = true;
  bool hash = false;  // Redisson RLock shape: acquire/release scripts on one-field hashes  // batch
                      // the generator's recv/send calls (net/uring_batch.h)
};

// Parses argv; prints the usage and exits (64) on anything it does not understand.
Options ParseOptions(int argc, char** argv);
[[noreturn]] void Usage();

// --mode publish (publish.cc): PUBLISH to one channel with one reading subscriber.
int RunPublish(const Options& o);
// The JSON line of a rate workload (publish, handoff): ops, ops/s, server and generator CPU.
// Returns the exit status (1 when nothing was measured).
int PrintRateResult(std::string_view mode, const Options& o, double wall, int64_t ops,
                    double server_cpu, double gen_cpu);
// --mode handoff (handoff.cc): one pusher RPUSHes, --clients waiters loop on BLPOP.
int RunHandoff(const Options& o);

}  // namespace locknode::loadgen

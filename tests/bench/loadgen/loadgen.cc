// locknode_loadgen: a single-threaded epoll RESP load generator for the side-by-side benchmark
// (tests/bench/run.sh). It drives one server over N connections, P requests deep, and measures
// what redis-benchmark cannot: acquire-then-release cycles per client, releases of held keys,
// fixed-rate (open-loop) latency, memory per lock / per idle connection, and expiry reclaim.
//
// Every run prints one JSON object on stdout. Besides ops/s and latency percentiles it reports
// the server's CPU (utime+stime from /proc/<pid>/stat, all threads) and the generator's own CPU
// (getrusage) over the measured interval, so a saturated generator is visible.
//
//   locknode_loadgen --port P --pid PID --mode MODE [--clients 50] [--pipeline 1]
//                    [--seconds 3] [--warmup 0.5] [--keys 1000000] [--px 30000] [--rate 20000]
//                    [--sha SHA] [--idle-conns 10000]
//
// Modes: acquire, contended, release, cycle, txcycle, latency, semaphore (throughput / latency);
//        memory, expiry, idle, semaphore_memory (resource measurements). See Usage() below.
//
// Files: options.* (command line), util.* (clocks, /proc, RESP, blocking calls, JSON),
// engine.h (the epoll engine), this file (the modes and main).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "engine.h"
#include "options.h"
#include "support/compat_scripts.h"
#include "support/redisson_scripts.h"
#include "util.h"

namespace locknode::loadgen {
namespace {

// redis-py's Lock release script (COMPAT.md §2.1), byte for byte, as in fast_path_ab.sh.
constexpr std::string_view kReleaseScript =
    script::testdata::FindCompatScript("redispy_release")->body;

// npm redis-semaphore 5.8.0's Semaphore acquire script (lib/semaphore/acquire/lua.js), byte for
// byte: drop holders older than lockTimeout, admit if fewer than `limit`, refresh the key's TTL.
constexpr std::string_view kSemaphoreAcquireScript = R"(
  local key = KEYS[1]
  local limit = tonumber(ARGV[1])
  local identifier = ARGV[2]
  local lockTimeout = tonumber(ARGV[3])
  local now = tonumber(ARGV[4])
  local expiredTimestamp = now - lockTimeout

  redis.call('zremrangebyscore', key, '-inf', expiredTimestamp)

  if redis.call('zcard', key) < limit then
    redis.call('zadd', key, now, identifier)
    redis.call('pexpire', key, lockTimeout)
    return 1
  else
    return 0
  end)";

std::string LoadScript(int port, std::string_view body) {
  const int fd = Connect(port);
  OwnedReply r = Sync(fd, {"SCRIPT", "LOAD", body});
  close(fd);
  if (r.kind != Kind::kBulk) {
    std::fprintf(stderr, "loadgen: SCRIPT LOAD failed: %s\n", r.text.c_str());
    std::exit(1);
  }
  return r.text;
}

// --hash: Redisson's RLock scripts (tests/support/redisson_scripts.h).
void LoadHashScripts(int port, Engine& e) {
  using script::testdata::FindRedissonScript;
  e.set_hash_shas(LoadScript(port, FindRedissonScript("rlock_trylock")->body),
                  LoadScript(port, FindRedissonScript("rlock_unlock")->body));
}

int64_t DbSize(int fd) { return Sync(fd, {"DBSIZE"}).integer; }

// ---------------------------------------------------------------------------------------------
// Modes

int RunThroughput(const Options& o, Mode mode) {
  Engine e(o, mode);
  e.px_ = std::to_string(o.px);
  if (mode == Mode::kRelease || mode == Mode::kCycle) e.set_sha(LoadScript(o.port, kReleaseScript));
  if (mode == Mode::kSemaphore) e.set_sha(LoadScript(o.port, kSemaphoreAcquireScript));
  if (o.hash && mode == Mode::kCycle) LoadHashScripts(o.port, e);
  e.Open(o.clients);
  Json j;
  if (mode == Mode::kRelease || mode == Mode::kDelexRelease) {
    // Held keys: lock:h:<i> with the shared held token, enough for every measured release.
    const int64_t t = NowNs();
    e.set_fill("lock:h:", Token(424242), 600000);
    e.Fill(o.keys);
    j.Num("prefill_s", static_cast<double>(NowNs() - t) / 1e9);
    e.counters() = Counters{};
    e.set_mode(mode);
    e.set_held_keys(o.keys);
    e.measuring = false;
  }
  double srv0 = 0, gen0 = 0;
  int64_t t0 = 0;
  auto on_measure = [&] {
    srv0 = ProcCpuSeconds(o.pid);
    gen0 = SelfCpuSeconds();
    t0 = NowNs();
  };
  const int64_t start = NowNs();
  const int64_t warm = start + static_cast<int64_t>(o.warmup * 1e9);
  const int64_t end = warm + static_cast<int64_t>(o.seconds * 1e9);
  if (mode == Mode::kLatency) {
    e.RunAtRate(o.rate, warm, end, on_measure);
  } else {
    e.RunFor(warm, end, on_measure);
  }
  const double wall = static_cast<double>(NowNs() - t0) / 1e9;
  const double srv = ProcCpuSeconds(o.pid) - srv0;
  const double gen = SelfCpuSeconds() - gen0;
  e.CloseAll();
  const Counters& c = e.counters();
  // A cycle (acquire then release) is the op of cycle, txcycle and semaphore; refused semaphore
  // acquires (the full semaphore polled again) are replies but not ops.
  const bool cycles = mode == Mode::kCycle || mode == Mode::kTxCycle || mode == Mode::kSemaphore;
  const int64_t ops = cycles ? c.cycles : c.replies;
  j.Str("mode", o.mode);
  j.Int("clients", o.clients);
  j.Int("pipeline", cycles || mode == Mode::kLatency ? 1 : o.pipeline);
  j.Num("seconds", wall);
  j.Int("ops", ops);
  j.Num("ops_per_sec", static_cast<double>(ops) / wall);
  j.Int("replies", c.replies);
  if (mode == Mode::kLatency) j.Num("target_rate", o.rate);
  j.Num("server_cpu_s", srv);
  j.Num("server_cpu_pct", 100.0 * srv / wall);
  if (ops > 0) j.Num("server_cpu_us_per_op", 1e6 * srv / static_cast<double>(ops));
  j.Num("gen_cpu_s", gen);
  j.Num("gen_cpu_pct", 100.0 * gen / wall);
  j.Str("gen_io", e.uring_active() ? "io_uring" : "syscalls");
  j.Int("ok", c.ok);
  j.Int("nil", c.null);
  j.Int("int1", c.one);
  j.Int("int0", c.zero);
  j.Int("errors", c.error);
  if (c.error > 0) j.Str("first_error", c.first_error);
  AddPercentiles(j, e.latencies());
  std::printf("%s\n", j.str().c_str());
  return c.error > 0 ? 1 : 0;
}

int RunMemoryOrExpiry(const Options& o, bool expiry) {
  const int ctl = Connect(o.port);
  Engine e(o, Mode::kFill);
  e.Open(o.clients);
  // A Redisson holder is "<uuid>:<threadId>" (38 bytes here); a string lock's token 36 bytes.
  e.set_fill("lock:", o.hash ? Token(7) + ":1" : Token(7), o.px);
  if (o.hash) LoadHashScripts(o.port, e);
  DbSize(ctl);
  SleepMs(200);
  const int64_t rss0 = ProcRssBytes(o.pid);
  const double srv0 = ProcCpuSeconds(o.pid);
  const double gen0 = SelfCpuSeconds();
  const int64_t t0 = NowNs();
  e.Fill(o.keys);
  const int64_t t_fill = NowNs();
  const double srv_fill = ProcCpuSeconds(o.pid);
  const double gen_fill = SelfCpuSeconds();
  Json j;
  j.Str("mode", o.mode);
  j.Str("shape", o.hash ? "redisson_hash_lock" : "string_lock");
  j.Int("keys", o.keys);
  j.Int("px", o.px);
  j.Num("fill_s", static_cast<double>(t_fill - t0) / 1e9);
  j.Num("fill_ops_per_sec", static_cast<double>(o.keys) / (static_cast<double>(t_fill - t0) / 1e9));
  j.Num("fill_server_cpu_s", srv_fill - srv0);
  j.Num("fill_gen_cpu_s", gen_fill - gen0);
  e.CloseAll();
  if (!expiry) {
    SleepMs(300);
    const int64_t rss1 = ProcRssBytes(o.pid);
    const int64_t n = DbSize(ctl);
    j.Int("dbsize", n);
    j.Int("rss_before", rss0);
    j.Int("rss_after", rss1);
    j.Num("bytes_per_lock", static_cast<double>(rss1 - rss0) / static_cast<double>(o.keys));
  } else {
    // The last SET was sent at fill_last_send_ns_, so the last deadline is at or after that
    // + px (and before t_fill + px): nothing can be reclaimed before it, and the lag measured
    // from it is never negative (resolution: the 5 ms DBSIZE poll, plus the fill's last batch).
    const int64_t deadline = e.fill_last_send_ns_ + o.px * 1'000'000;
    j.Num("last_deadline_uncertainty_ms", static_cast<double>(t_fill - e.fill_last_send_ns_) / 1e6);
    int64_t at_deadline = -1, t_zero = -1;
    const int64_t give_up = deadline + 120'000'000'000LL;
    while (NowNs() < give_up) {
      const int64_t n = DbSize(ctl);
      if (at_deadline < 0 && NowNs() >= deadline) at_deadline = n;
      if (n == 0) {
        t_zero = NowNs();
        break;
      }
      SleepMs(5);
    }
    const double srv1 = ProcCpuSeconds(o.pid);
    j.Int("dbsize_at_last_deadline", at_deadline);
    j.Num("reclaim_after_deadline_ms",
          t_zero < 0 ? -1.0 : static_cast<double>(t_zero - deadline) / 1e6);
    j.Num("reclaim_server_cpu_s", srv1 - srv_fill);  // after the fill only
    // From the first SET to DBSIZE 0: includes the fill and whatever expired during it (a fill
    // slower than px expires keys while filling). The driver subtracts the same fill's CPU
    // measured by the memory workload (PX 600000, nothing expires) to get the expiry's own cost.
    j.Num("total_server_cpu_s", srv1 - srv0);
    j.Num("observed_s", static_cast<double>(NowNs() - t_fill) / 1e9);
    if (t_zero < 0) j.Str("error", "keys not reclaimed within 120 s of the deadline");
  }
  close(ctl);
  std::printf("%s\n", j.str().c_str());
  return 0;
}

// `keys` / 10 semaphores of 10 holders each (redis-semaphore's acquire script, lockTimeout px):
// the server's RSS growth per semaphore.
int RunSemaphoreMemory(const Options& o) {
  const int ctl = Connect(o.port);
  Engine e(o, Mode::kSemFill);
  e.set_sha(LoadScript(o.port, kSemaphoreAcquireScript));
  e.Open(o.clients);
  e.set_fill("semaphore:", "", o.px);
  DbSize(ctl);
  SleepMs(200);
  const int64_t rss0 = ProcRssBytes(o.pid);
  const int64_t holders = o.keys / 10 * 10;
  e.Fill(holders, Mode::kSemFill);
  e.CloseAll();
  SleepMs(300);
  const int64_t rss1 = ProcRssBytes(o.pid);
  const int64_t n = DbSize(ctl);
  close(ctl);
  Json j;
  j.Str("mode", o.mode);
  j.Int("semaphores", holders / 10);
  j.Int("dbsize", n);
  j.Int("int1", e.counters().one);
  j.Int("rss_before", rss0);
  j.Int("rss_after", rss1);
  j.Num("bytes_per_semaphore",
        static_cast<double>(rss1 - rss0) / static_cast<double>(holders / 10));
  std::printf("%s\n", j.str().c_str());
  return e.counters().one == holders && n == holders / 10 ? 0 : 1;
}

// Serial PINGs on one connection for `seconds`; returns latencies in ns.
std::vector<int64_t> PingLoop(int fd, double seconds) {
  std::vector<int64_t> lat;
  const int64_t end = NowNs() + static_cast<int64_t>(seconds * 1e9);
  while (NowNs() < end) {
    const int64_t t = NowNs();
    Sync(fd, {"PING"});
    lat.push_back(NowNs() - t);
  }
  return lat;
}

int RunIdle(const Options& o) {
  const int ping = Connect(o.port);
  Sync(ping, {"PING"});
  std::vector<int64_t> before = PingLoop(ping, std::min(1.0, o.seconds));
  SleepMs(200);
  const int64_t rss0 = ProcRssBytes(o.pid);
  std::vector<int> fds;
  fds.reserve(static_cast<size_t>(o.idle_conns));
  const int64_t t0 = NowNs();
  for (int i = 0; i < o.idle_conns; ++i) {
    fds.push_back(Connect(o.port));
    if (o.idle_ping && Sync(fds.back(), {"PING"}).kind != Kind::kSimple) {
      std::fprintf(stderr, "loadgen: idle connection %d refused\n", i);
      return 1;
    }
  }
  // Without a PING, connect() returns before the server accepted: wait until it has them all.
  const std::string want = "connected_clients:" + std::to_string(o.idle_conns + 1) + "\r\n";
  for (int tries = 0; !o.idle_ping && tries < 200; ++tries) {
    if (Sync(ping, {"INFO", "clients"}).text.find(want) != std::string::npos) break;
    SleepMs(50);
  }
  const double open_s = static_cast<double>(NowNs() - t0) / 1e9;
  SleepMs(300);
  const int64_t rss1 = ProcRssBytes(o.pid);
  const double srv0 = ProcCpuSeconds(o.pid);
  const double gen0 = SelfCpuSeconds();
  const int64_t tp = NowNs();
  std::vector<int64_t> during = PingLoop(ping, o.seconds);
  const double wall = static_cast<double>(NowNs() - tp) / 1e9;
  Json j;
  j.Str("mode", "idle");
  j.Int("idle_conns", o.idle_conns);
  j.Int("idle_ping", o.idle_ping ? 1 : 0);
  j.Num("open_s", open_s);
  j.Int("rss_before", rss0);
  j.Int("rss_after", rss1);
  j.Num("bytes_per_conn", static_cast<double>(rss1 - rss0) / o.idle_conns);
  j.Num("server_cpu_pct", 100.0 * (ProcCpuSeconds(o.pid) - srv0) / wall);
  j.Num("gen_cpu_pct", 100.0 * (SelfCpuSeconds() - gen0) / wall);
  j.Int("pings", static_cast<int64_t>(during.size()));
  AddPercentiles(j, during);
  std::sort(before.begin(), before.end());
  if (!before.empty()) {
    j.Num("p50_us_without_idle", static_cast<double>(before[before.size() / 2]) / 1000.0);
    j.Num("p99_us_without_idle",
          static_cast<double>(before[std::min(before.size() - 1, before.size() * 99 / 100)]) /
              1000.0);
  }
  for (int fd : fds) close(fd);
  close(ping);
  std::printf("%s\n", j.str().c_str());
  return 0;
}

}  // namespace
}  // namespace locknode::loadgen

int main(int argc, char** argv) {
  using namespace locknode::loadgen;  // NOLINT(google-build-using-namespace): main only
  const Options o = ParseOptions(argc, argv);
  static const std::map<std::string, Mode> kThroughput = {
      {"acquire", Mode::kAcquire},    {"contended", Mode::kContended},
      {"release", Mode::kRelease},    {"delex_release", Mode::kDelexRelease},
      {"incr", Mode::kIncr},          {"cycle", Mode::kCycle},
      {"txcycle", Mode::kTxCycle},    {"latency", Mode::kLatency},
      {"semaphore", Mode::kSemaphore}};
  if (auto it = kThroughput.find(o.mode); it != kThroughput.end())
    return RunThroughput(o, it->second);
  if (o.mode == "memory") return RunMemoryOrExpiry(o, false);
  if (o.mode == "expiry") return RunMemoryOrExpiry(o, true);
  if (o.mode == "idle") return RunIdle(o);
  if (o.mode == "semaphore_memory") return RunSemaphoreMemory(o);
  if (o.mode == "publish") return RunPublish(o);
  if (o.mode == "handoff") return RunHandoff(o);
  Usage();
}

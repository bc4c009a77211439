// Abusive clients against the real binary (SAFETY.md §4.2 rows 15, 16, 18 and the client limits
// of §5): each runs next to a LockProbe that must see no error and no 1 s timeout, while the
// server's RSS is sampled from /proc. Every run prints one line
//   abuse: <name> peak_rss=.. idle_rss=.. bound=.. probe_ok=.. probe_err=.. secs=..
// and records the same figures as test properties. Bounds are generous; durations are reported,
// never asserted beyond a wide "it happened at all" deadline. Under ASan, RSS is not comparable
// (shadow memory, quarantine), so the RSS bounds are skipped there and only reported.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "integration/server_fixture.h"
#include "support/lock_probe.h"
#include "support/proc_stats.h"
#include "support/resp_client.h"

namespace locknode::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

constexpr long kMiB = 1024;                       // in kB, the unit of /proc/<pid>/status
constexpr size_t kOutputHighWater = 1024 * 1024;  // net::Session::kOutputHighWater

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Repeats `check` every 100 ms until it holds or `limit` passes; whether it ever held.
template <typename Check>
bool Eventually(Check check, milliseconds limit) {
  const auto deadline = SteadyClock::now() + limit;
  while (!check()) {
    if (SteadyClock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return true;
}

// One field of an INFO reply ("evicted_clients"), or -1.
long InfoField(RespClient& c, const std::string& field) {
  const std::string info = c.Call({"INFO", "stats"});
  const size_t at = info.find("\r\n" + field + ":");
  if (at == std::string::npos) return -1;
  return std::stol(info.substr(at + field.size() + 3));
}

// The CLIENT LIST line of the client named `name`, or "" if it is not connected.
std::string ClientLine(RespClient& c, const std::string& name) {
  const std::string list = c.Call({"CLIENT", "LIST"});
  const size_t at = list.find(" name=" + name + " ");
  if (at == std::string::npos) return "";
  const size_t begin = list.rfind('\n', at);
  return list.substr(begin == std::string::npos ? 0 : begin + 1,
                     list.find('\n', at) - (begin == std::string::npos ? 0 : begin + 1));
}

long ClientField(const std::string& line, const std::string& field) {
  const size_t at = line.find(" " + field + "=");
  return at == std::string::npos ? -1 : std::stol(line.substr(at + field.size() + 2));
}

// The measurements around one abuse: idle RSS first, then the sampler and the probe run until
// Finish(), which prints, records and checks the figures.
class AbuseRun {
 public:
  AbuseRun(const char* name, ServerProcess& server)
      : name_(name),
        server_(server),
        idle_kb_(ProcStatusKb(server.pid(), "VmRSS")),
        start_(SteadyClock::now()),
        sampler_(server.pid()),
        probe_(server.port()) {
    std::this_thread::sleep_for(milliseconds(50));  // the probe is locking before the abuse
  }

  long idle_kb() const { return idle_kb_; }

  // `bound_kb` is the extra RSS over idle the abuse may cost (0: no RSS bound for this run).
  void Finish(long bound_kb) {
    std::this_thread::sleep_for(milliseconds(100));  // and still locking after it
    probe_.Stop();
    sampler_.Stop();
    const long peak = sampler_.peak_kb();
    const double secs = SecondsSince(start_);
    const std::string probe = probe_.Summary();
    std::printf("abuse: %s peak_rss=%ldkB idle_rss=%ldkB bound=%ldkB %s secs=%.1f%s\n", name_, peak,
                idle_kb_, bound_kb == 0 ? 0 : idle_kb_ + bound_kb, probe.c_str(), secs,
                kSanitizedBuild ? " (ASan: RSS not bounded)" : "");
    std::fflush(stdout);
    ::testing::Test::RecordProperty("peak_rss_kb", std::to_string(peak));
    ::testing::Test::RecordProperty("idle_rss_kb", std::to_string(idle_kb_));
    ::testing::Test::RecordProperty("probe", probe);
    ::testing::Test::RecordProperty("seconds", std::to_string(secs));
    EXPECT_TRUE(server_.Running()) << server_.Log();
    EXPECT_GT(probe_.rounds(), 0);
    const std::vector<std::string> errors = probe_.errors();
    EXPECT_TRUE(errors.empty()) << errors.size() << " probe errors, first: " << errors.front();
    if (bound_kb != 0 && !kSanitizedBuild) {
      EXPECT_LE(peak, idle_kb_ + bound_kb) << "peak RSS over idle + bound";
    }
  }

 private:
  const char* name_;
  ServerProcess& server_;
  const long idle_kb_;
  const SteadyClock::time_point start_;
  RssSampler sampler_;
  LockProbe probe_;
};

// Row 18: a client pipelines 1,000,000 GETs and never reads. Backpressure stops the server
// reading it once its queued replies pass the high-water mark (1 MiB), far below the output
// hard limit (64 MiB by default), so the client is held, not disconnected; the RSS bound is the
// one the row states for a disconnect at the cap, and holds either way.
TEST(AbuseTest, PipelinedGetsNeverReadStayBounded) {
  auto server = StartOrFail({});
  ASSERT_NE(server, nullptr);
  RespClient admin(server->port());
  ASSERT_EQ(admin.Call({"SET", "k", std::string(100, 'v')}), "+OK\r\n");
  AbuseRun run("pipelined-1M-get", *server);

  RespClient flood(server->port());
  ASSERT_EQ(flood.Call({"CLIENT", "SETNAME", "flood"}), "+OK\r\n");
  const std::string get = EncodeCommand({"GET", "k"});
  std::string requests;
  requests.reserve(get.size() * 1'000'000);
  for (int i = 0; i < 1'000'000; ++i) requests += get;
  bool closed = false;
  const size_t sent = flood.SendUntilStalled(requests, seconds(2), &closed);

  const std::string line = ClientLine(admin, "flood");
  const long omem = ClientField(line, "omem");
  std::printf("abuse: pipelined-1M-get sent=%zu of %zu bytes, %s, omem=%ld\n", sent,
              requests.size(), closed ? "disconnected" : "held by backpressure", omem);
  if (!closed && !line.empty()) {
    // Held: its queued output stays at the high-water mark plus one reply.
    EXPECT_LE(omem, static_cast<long>(kOutputHighWater) + 4096) << line;
    EXPECT_LT(InfoField(admin, "total_commands_processed"), 1'000'000)
        << "the server never stopped executing the GETs nobody reads";
  }
  flood.Close();
  run.Finish(/*bound_kb=*/64 * kMiB + 32 * kMiB);  // output hard limit + 32 MiB
}

// Row 16: slowloris. 200 connections each start a command and add one byte a second; with
// client-request-timeout-ms 2000 every one is closed about 2-3 s after its first byte (the 1 s
// sweep adds up to a second), although each stays "active" by Redis's idle timeout.
TEST(AbuseTest, SlowlorisConnectionsAreClosedByTheRequestDeadline) {
  auto server = StartOrFail({"--client-request-timeout-ms", "2000"});
  ASSERT_NE(server, nullptr);
  const int baseline_fds = CountFds(server->pid());
  AbuseRun run("slowloris-200", *server);
  const auto start = SteadyClock::now();
  std::vector<std::unique_ptr<RespClient>> clients;
  for (int i = 0; i < 200; ++i) {
    clients.push_back(std::make_unique<RespClient>(server->port()));
    ASSERT_TRUE(clients.back()->connected()) << clients.back()->error();
    ASSERT_TRUE(clients.back()->Send("*2\r\n$3\r\nGET\r\n$100\r\n"));
  }
  size_t open = clients.size();
  while (open > 0 && SecondsSince(start) < 20) {
    std::this_thread::sleep_for(seconds(1));
    open = 0;
    for (auto& c : clients) {
      if (!c->connected()) continue;
      if (!c->Send("a") || c->WaitForClose(milliseconds(1))) {
        c->Close();
      } else {
        ++open;
      }
    }
  }
  const double closed_after = SecondsSince(start);
  int fds = -1;
  const bool fds_back = Eventually(
      [&] {
        fds = CountFds(server->pid());
        return fds <= baseline_fds + 5;
      },
      seconds(10));
  std::printf("abuse: slowloris-200 all closed after %.1f s, fds baseline=%d after=%d\n",
              closed_after, baseline_fds, fds);
  ::testing::Test::RecordProperty("all_closed_after_s", std::to_string(closed_after));
  EXPECT_EQ(open, 0u) << "connections still open after 20 s";
  EXPECT_TRUE(fds_back) << "server fds " << fds << ", baseline " << baseline_fds;
  RespClient admin(server->port());
  EXPECT_EQ(InfoField(admin, "client_request_timeout_disconnections"), 200);
  run.Finish(/*bound_kb=*/32 * kMiB);  // 200 x 16 KiB read buffers, well inside the slack
}

// Row 15 (CI size): 64 MiB of random bytes (fixed seed) over 16 connections that reconnect
// whenever the server closes them (protocol errors) or stops reading them (the error replies
// nobody reads reached the high-water mark). Pure noise dies within a few hundred bytes (an
// unbalanced quote in an inline line is a protocol error), so odd-numbered senders open every
// connection with a valid bulk header of a random length up to 2 MiB: the server then buffers
// random bytes up to the 1 MiB query buffer cap, the case the RSS bound is about.
TEST(AbuseTest, RandomBytesFromSixteenConnections) {
  constexpr long kQueryCap = 1 * kMiB;
  auto server = StartOrFail({"--client-query-buffer-limit", "1mb"});
  ASSERT_NE(server, nullptr);
  AbuseRun run("random-64MiB", *server);
  constexpr size_t kQuota = (64u << 20) / 16;
  std::vector<std::thread> senders;
  std::vector<int> connections(16, 0);
  for (int i = 0; i < 16; ++i) {
    senders.emplace_back([&, i] {
      std::mt19937_64 rng(0x10c4 + static_cast<uint64_t>(i));
      std::string chunk(64 * 1024, '\0');
      size_t sent = 0;
      const auto start = SteadyClock::now();
      while (sent < kQuota && SecondsSince(start) < 60) {
        RespClient c(server->port());
        ++connections[i];
        bool closed = false;
        if (i % 2 == 1) {
          const uint64_t len = 1 + rng() % (2u << 20);
          sent += c.SendUntilStalled("*2\r\n$3\r\nGET\r\n$" + std::to_string(len) + "\r\n",
                                     milliseconds(200), &closed);
        }
        while (!closed && sent < kQuota) {
          for (size_t j = 0; j < chunk.size(); j += 8) {
            const uint64_t r = rng();
            std::memcpy(&chunk[j], &r, 8);
          }
          const size_t n = c.SendUntilStalled(chunk, milliseconds(200), &closed);
          sent += n;
          if (n < chunk.size()) break;  // closed or stalled: next connection
        }
      }
    });
  }
  for (std::thread& t : senders) t.join();
  int total = 0;
  for (int n : connections) total += n;
  std::printf("abuse: random-64MiB over %d connections\n", total);
  ::testing::Test::RecordProperty("connections", std::to_string(total));
  RespClient after(server->port());
  EXPECT_EQ(after.Call({"PING"}), "+PONG\r\n");
  run.Finish(/*bound_kb=*/16 * kQueryCap + 32 * kMiB);
}

// client-output-buffer-limit: a reply over the hard limit closes that client at once; a reply
// between soft and hard that the client does not read closes it once it has stayed over the
// soft limit for the soft seconds (checked by the 1 s sweep). Everyone else is served.
TEST(AbuseTest, OutputBufferLimitClosesOnlyTheOffender) {
  auto server =
      StartOrFail({"--client-output-buffer-limit", "normal 32mb 4mb 2",
                   // room for the test's 16 MiB value (defaults allow 1 MiB)
                   "--proto-max-bulk-len", "32mb", "--client-query-buffer-limit", "64mb"});
  ASSERT_NE(server, nullptr);
  RespClient admin(server->port());
  const std::string big(16 << 20, 'b');
  ASSERT_EQ(admin.Call({"SET", "big", big}), "+OK\r\n");
  AbuseRun run("output-limit", *server);

  RespClient hard(server->port());
  ASSERT_TRUE(hard.Send(EncodeCommand({"MGET", "big", "big", "big"})));  // 48 MiB >= 32 MiB
  EXPECT_TRUE(hard.WaitForClose(seconds(10))) << "the hard limit did not close the client";
  EXPECT_EQ(InfoField(admin, "client_output_buffer_limit_disconnections"), 1);

  RespClient soft(server->port());
  ASSERT_EQ(soft.Call({"CLIENT", "SETNAME", "soft"}), "+OK\r\n");
  const auto sent_at = SteadyClock::now();
  ASSERT_TRUE(soft.Send(EncodeCommand({"GET", "big"})));  // 16 MiB: over soft, under hard
  std::this_thread::sleep_for(milliseconds(300));
  const std::string line = ClientLine(admin, "soft");
  EXPECT_GE(ClientField(line, "omem"), 4 << 20) << "not over the soft limit: " << line;
  EXPECT_TRUE(Eventually([&] { return ClientLine(admin, "soft").empty(); }, seconds(15)))
      << "the soft limit never closed the client";
  std::printf("abuse: output-limit soft close after %.1f s (soft-seconds 2)\n",
              SecondsSince(sent_at));
  EXPECT_EQ(InfoField(admin, "client_output_buffer_limit_disconnections"), 2);

  // A client that reads its 16 MiB reply is served in full.
  RespClient reader(server->port());
  EXPECT_EQ(reader.Call({"GET", "big"}), "$16777216\r\n" + big + "\r\n");
  // Bound: the key, the one 48 MiB reply built before the check closed it, and slack.
  run.Finish(/*bound_kb=*/16 * kMiB + 48 * kMiB + 32 * kMiB);
}

// maxmemory-clients: clients holding large partial bulks push the total over the cap; the
// sweep closes the biggest until the rest fit, and the smaller ones finish their requests.
TEST(AbuseTest, MaxmemoryClientsEvictsTheBiggest) {
  auto server = StartOrFail({"--maxmemory-clients", "8mb", "--client-request-timeout-ms", "0",
                             // bulks of up to 6 MiB (defaults allow 1 MiB)
                             "--proto-max-bulk-len", "8mb", "--client-query-buffer-limit", "16mb"});
  ASSERT_NE(server, nullptr);
  AbuseRun run("maxmemory-clients", *server);
  const std::vector<size_t> sizes = {1u << 20, 2u << 20, 3u << 20, 6u << 20};
  std::vector<std::unique_ptr<RespClient>> clients;
  for (size_t size : sizes) {
    clients.push_back(std::make_unique<RespClient>(server->port()));
    RespClient& c = *clients.back();
    const std::string header = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + std::to_string(size) + "\r\n";
    ASSERT_TRUE(c.Send(header + std::string(size / 2, 'x')));
  }
  RespClient admin(server->port());
  EXPECT_TRUE(Eventually([&] { return InfoField(admin, "evicted_clients") >= 1; }, seconds(10)));
  EXPECT_EQ(InfoField(admin, "evicted_clients"), 1) << "more than the biggest was evicted";
  EXPECT_TRUE(clients.back()->WaitForClose(seconds(5))) << "the biggest client is still open";
  for (size_t i = 0; i + 1 < sizes.size(); ++i) {
    const std::string rest(sizes[i] - sizes[i] / 2, 'x');
    EXPECT_EQ(clients[i]->RawCall(rest + "\r\n"), "+OK\r\n") << "client of " << sizes[i];
  }
  run.Finish(/*bound_kb=*/12 * kMiB + 32 * kMiB);
}

}  // namespace
}  // namespace locknode::test

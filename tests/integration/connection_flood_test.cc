// Connection flood (SAFETY.md §4.2 row 17, CI size): maxclients 256, then 1000 more sockets.
// Every extra one must read exactly Redis's "-ERR max number of clients reached" and then EOF;
// the server must not crash, its RSS must stay bounded, a loopback probe must still get in
// through the reserve while remote clients hold every slot, and once all are closed a new
// (remote) client must get PONG within 1 s.
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "integration/server_fixture.h"
#include "support/host_address.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAsan = true;
#else
constexpr bool kAsan = false;
#endif
#else
constexpr bool kAsan = false;
#endif

constexpr int kMaxClients = 256;
constexpr int kExtra = 1000;
constexpr int kBatch = 100;  // connects in flight at once, well under the listen backlog (511)
constexpr std::string_view kMaxClientsReply = "-ERR max number of clients reached\r\n";
// Per admitted client the server holds a 16 KiB read buffer plus session and socket state;
// 64 KiB each and 32 MiB of slack (SAFETY.md row 15's allowance) bound it generously.
constexpr int64_t kRssSlackKb = kMaxClients * 64 + 32 * 1024;

TEST(ConnectionFloodTest, ExtraConnectionsAreRefusedAndTheServerRecovers) {
  ASSERT_GE(RaiseOpenFileLimit(kMaxClients + kExtra + 64), kMaxClients + kExtra + 64u)
      << "this process cannot open enough sockets ('ulimit -n')";
  // Remote clients (the host's own non-loopback address) fill maxclients, so the loopback
  // reserve can be probed too. Without such an address everything is loopback and the reserve
  // is set to 0, or it would admit 4 of the flood.
  const std::string remote = NonLoopbackIpv4();
  const std::string host = remote.empty() ? "127.0.0.1" : remote;
  std::vector<std::string> args = {"--maxclients", std::to_string(kMaxClients), "--protected-mode",
                                   "no"};
  if (remote.empty()) {
    std::cout << "*** no non-loopback address: flood from loopback, reserve not probed ***\n";
    args.insert(args.end(), {"--maxclients-loopback-reserve", "0"});
  } else {
    args.insert(args.end(), {"--bind", "127.0.0.1 " + remote});
  }
  auto server = StartOrFail(args);
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  const int64_t idle_rss_kb = ProcStatusKb(server->pid(), "VmRSS");

  // Fill every slot. The start-up probe of ServerProcess may hold one for a moment: retry.
  std::vector<std::unique_ptr<RespClient>> held;
  for (int attempt = 0; held.size() < kMaxClients && attempt < kMaxClients + 50; ++attempt) {
    auto client = std::make_unique<RespClient>(host, port);
    ASSERT_TRUE(client->connected()) << client->error();
    const std::string got = client->Call({"PING"});
    if (got == "+PONG\r\n") {
      held.push_back(std::move(client));
    } else {
      ASSERT_EQ(got, kMaxClientsReply);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ASSERT_EQ(held.size(), static_cast<size_t>(kMaxClients));

  if (!remote.empty()) {
    RespClient probe(port);  // loopback: takes a reserve slot, then gives it back
    EXPECT_EQ(probe.Call({"PING"}), "+PONG\r\n") << "loopback reserve did not admit the probe";
    const std::string info = probe.Call({"INFO"});
    EXPECT_EQ(InfoField(info, "connected_clients"), kMaxClients + 1) << info;
  }

  // The flood: batches connected together, then each must read the error and EOF.
  std::vector<std::unique_ptr<RespClient>> refused;
  int exact = 0;
  for (int start = 0; start < kExtra; start += kBatch) {
    const size_t first = refused.size();
    for (int i = 0; i < kBatch; ++i) {
      refused.push_back(std::make_unique<RespClient>(host, port));
      ASSERT_TRUE(refused.back()->connected()) << refused.back()->error();
    }
    for (size_t i = first; i < refused.size(); ++i) {
      const RespClient::Reply reply = refused[i]->Read();
      const bool closed = refused[i]->WaitForClose();
      EXPECT_EQ(reply.Describe(), kMaxClientsReply) << "flood connection " << i;
      EXPECT_TRUE(closed) << "flood connection " << i << " not closed after the error";
      if (reply.bytes == kMaxClientsReply && closed) ++exact;
    }
  }
  ASSERT_TRUE(server->Running()) << server->Log();
  const int64_t peak_rss_kb = ProcStatusKb(server->pid(), "VmHWM");
  const int64_t rss_after_kb = ProcStatusKb(server->pid(), "VmRSS");
  // Admitted clients are unaffected by the flood.
  EXPECT_EQ(held.front()->Call({"PING"}), "+PONG\r\n");
  EXPECT_EQ(held.back()->Call({"PING"}), "+PONG\r\n");
  const long long rejected =
      InfoField(held.front()->Call({"INFO", "stats"}), "rejected_connections");
  EXPECT_GE(rejected, kExtra);

  // Recovery: close everything, then a new client from the same (remote) side must get PONG.
  // It is retried because the server learns of the closes asynchronously.
  held.clear();
  refused.clear();
  const auto closed_at = std::chrono::steady_clock::now();
  std::string got;
  while (std::chrono::steady_clock::now() - closed_at < std::chrono::seconds(1)) {
    RespClient fresh(host, port);
    got = fresh.Call({"PING"});
    if (got == "+PONG\r\n") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto recovery_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - closed_at)
                               .count();
  EXPECT_EQ(got, "+PONG\r\n") << "no PONG within 1 s of closing every connection";

  std::cout << "abuse: flood maxclients=" << kMaxClients << " opened=" << kMaxClients + kExtra
            << " peer=" << (remote.empty() ? "loopback" : "remote " + remote)
            << " refused_exact=" << exact << "/" << kExtra << " rejected_connections=" << rejected
            << " idle_rss_kb=" << idle_rss_kb << " peak_rss_kb(VmHWM)=" << peak_rss_kb
            << " rss_after_flood_kb=" << rss_after_kb << " recovery_ms=" << recovery_ms
            << (kAsan ? " (ASan build)" : "") << "\n";
  RecordProperty("flood_opened", kMaxClients + kExtra);
  RecordProperty("flood_refused_exact", exact);
  RecordProperty("idle_rss_kb", std::to_string(idle_rss_kb));
  RecordProperty("peak_rss_kb", std::to_string(peak_rss_kb));
  RecordProperty("recovery_ms", std::to_string(recovery_ms));

  EXPECT_EQ(exact, kExtra);
  ASSERT_GT(idle_rss_kb, 0);
  // ASan's shadow memory and quarantine make RSS meaningless as a bound; it is printed only.
  if (!kAsan) {
    EXPECT_LE(peak_rss_kb, idle_rss_kb + kRssSlackKb)
        << "idle " << idle_rss_kb << " kB, peak " << peak_rss_kb << " kB";
  }
}

}  // namespace
}  // namespace locknode::test

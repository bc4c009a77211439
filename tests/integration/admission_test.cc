// Who may connect (SAFETY.md §2.1, §4.2 row 25, §5 Binding): protected mode's -DENIED for
// non-loopback peers without a password (compared byte for byte with redis-server) and the
// loopback-only reserve beyond maxclients.
//
// A non-loopback peer needs no network namespace: a client that connects to the host's own
// non-loopback address (NonLoopbackIpv4) has that address as its source too. Machines without
// one skip those tests with a message saying so.
#include <chrono>
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

constexpr std::string_view kMaxClientsReply = "-ERR max number of clients reached\r\n";

// What a refused client receives: every byte until the server closes (or the timeout).
std::string ReadUntilClose(RespClient& client) {
  std::string all;
  for (;;) {
    RespClient::Reply reply = client.Read();
    if (reply.outcome != RespClient::Outcome::kReply) return all + reply.Describe();
    all += reply.bytes;
  }
}

// A client from `host` that the server admitted: its PING got `expect`. Retries while the
// start-up probe connection of ServerProcess may still hold a slot.
std::unique_ptr<RespClient> AdmittedClient(const std::string& host, int port,
                                           const std::string& expect) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    auto client = std::make_unique<RespClient>(host, port);
    const std::string got = client->Call({"PING"});
    if (got == expect) return client;
    EXPECT_EQ(got, kMaxClientsReply) << "from " << host;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "no slot for a client from " << host;
  return nullptr;
}

// Tests that need a remote peer; skipped, saying why, on a machine without one.
class RemotePeerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    remote_ = NonLoopbackIpv4();
    if (remote_.empty()) {
      GTEST_SKIP() << "\n*** SKIPPED: this machine has no non-loopback IPv4 address, so no peer "
                      "can be remote; the decision itself is unit-tested in "
                      "tests/unit/net/admission_test.cc ***";
    }
  }
  // locknode listening on loopback and on the non-loopback address, plus `args`.
  std::unique_ptr<ServerProcess> StartOnBoth(std::vector<std::string> args) {
    args.insert(args.begin(), {"--bind", "127.0.0.1 " + remote_});
    return StartOrFail(args);
  }
  std::string remote_;
};
using ProtectedModeTest = RemotePeerTest;
using LoopbackReserveTest = RemotePeerTest;

TEST_F(ProtectedModeTest, DeniesRemotePeersWithoutPasswordLikeRedis) {
  auto server = StartOnBoth({});
  ASSERT_NE(server, nullptr);
  RespClient denied(remote_, server->port());
  ASSERT_TRUE(denied.connected()) << denied.error();
  const std::string got = ReadUntilClose(denied);
  EXPECT_EQ(got.rfind("-DENIED Redis is running in protected mode", 0), 0u) << got;
  EXPECT_EQ(got.substr(got.size() - 5), "<eof>") << "not closed after DENIED";
  // Loopback peers are served as always, and the denial was counted.
  RespClient local(server->port());
  EXPECT_EQ(local.Call({"PING"}), "+PONG\r\n");
  EXPECT_EQ(InfoField(local.Call({"INFO", "stats"}), "rejected_connections"), 1);
  ASSERT_FALSE(FindInPath("redis-server").empty())
      << "\n*** MISSING REQUIRED DEPENDENCY: redis-server not in PATH (.ci/install-deps test) ***";
  StartResult redis = ServerProcess::StartRedis({"--bind", "127.0.0.1 " + remote_});
  ASSERT_NE(redis.server, nullptr) << redis.error;
  RespClient reference(remote_, redis.server->port());
  EXPECT_EQ(EscapeBytes(got), EscapeBytes(ReadUntilClose(reference)));
}

TEST_F(ProtectedModeTest, PasswordAdmitsRemotePeersAsUnauthenticated) {
  auto server = StartOnBoth({"--requirepass", "pw"});
  ASSERT_NE(server, nullptr);
  RespClient client(remote_, server->port());
  EXPECT_EQ(client.Call({"PING"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(client.Call({"AUTH", "pw"}), "+OK\r\n");
  EXPECT_EQ(client.Call({"PING"}), "+PONG\r\n");
}

TEST_F(ProtectedModeTest, OffAdmitsRemotePeersAndWarnsAtStartup) {
  auto server = StartOnBoth({"--protected-mode", "no"});
  ASSERT_NE(server, nullptr);
  RespClient client(remote_, server->port());
  EXPECT_EQ(client.Call({"PING"}), "+PONG\r\n");
  EXPECT_NE(server->Log().find("protected-mode off and no requirepass"), std::string::npos)
      << server->Log();
  EXPECT_EQ(client.Call({"CONFIG", "GET", "protected-mode"}),
            "*2\r\n$14\r\nprotected-mode\r\n$2\r\nno\r\n");
}

TEST(ProtectedModeDefaultTest, LoopbackBindIsUnaffected) {
  auto server = StartOrFail({});
  ASSERT_NE(server, nullptr);
  RespClient client(server->port());
  EXPECT_EQ(client.Call({"PING"}), "+PONG\r\n");
  EXPECT_EQ(client.Call({"CONFIG", "GET", "protected-mode"}),
            "*2\r\n$14\r\nprotected-mode\r\n$3\r\nyes\r\n");
  EXPECT_EQ(server->Log().find("non-loopback"), std::string::npos) << server->Log();
}

// Remote clients fill maxclients; loopback ones still get the reserve, and no more.
TEST_F(LoopbackReserveTest, LoopbackPeersGetInWhenRemotePeersFilledMaxclients) {
  auto server = StartOnBoth(
      {"--requirepass", "pw", "--maxclients", "4", "--maxclients-loopback-reserve", "2"});
  ASSERT_NE(server, nullptr);
  const std::string noauth = "-NOAUTH Authentication required.\r\n";
  std::vector<std::unique_ptr<RespClient>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(AdmittedClient(remote_, server->port(), noauth));
    ASSERT_NE(held.back(), nullptr);
  }
  RespClient fifth_remote(remote_, server->port());
  EXPECT_EQ(ReadUntilClose(fifth_remote), std::string(kMaxClientsReply) + "<eof>");
  RespClient probe(server->port());
  EXPECT_EQ(probe.Call({"AUTH", "pw"}), "+OK\r\n");
  EXPECT_EQ(probe.Call({"PING"}), "+PONG\r\n");
  const std::string info = probe.Call({"INFO"});
  EXPECT_EQ(InfoField(info, "connected_clients"), 5) << info;
  EXPECT_EQ(InfoField(info, "maxclients"), 4) << info;
  RespClient second_probe(server->port());
  EXPECT_EQ(second_probe.Call({"PING"}), noauth);
  RespClient third_probe(server->port());
  EXPECT_EQ(ReadUntilClose(third_probe), std::string(kMaxClientsReply) + "<eof>");
}

}  // namespace
}  // namespace locknode::test

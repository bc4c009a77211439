// Server options and process lifecycle: --port 0 + --port-file, --requirepass, --maxclients,
// --timeout, SIGTERM and SHUTDOWN. Each test starts its own server with its own options.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "integration/server_fixture.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

constexpr std::chrono::milliseconds kExitTimeout{10000};

std::string DescribeStatus(std::optional<int> status) {
  if (!status) return "still running";
  if (WIFEXITED(*status)) return "exit code " + std::to_string(WEXITSTATUS(*status));
  if (WIFSIGNALED(*status)) return "killed by signal " + std::to_string(WTERMSIG(*status));
  return "status " + std::to_string(*status);
}

TEST(LifecycleTest, PortZeroWritesTheBoundPort) {
  auto server = StartOrFail({});
  ASSERT_NE(server, nullptr);
  EXPECT_GT(server->port(), 0);
  EXPECT_LT(server->port(), 65536);
  RespClient c(server->port());
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(c.Call({"PING"}), "+PONG\r\n");
}

// The expiry timer reclaims keys nobody touches (DBSIZE counts a key until it is reclaimed), and
// re-arms when a new key's deadline comes before the one it waits for: the keyspace reports
// that move, the session passes it on after the batch. Wide margins: real time, loaded CI.
TEST(LifecycleTest, ExpiryTimerReclaimsUntouchedKeysAndRearmsForEarlierDeadlines) {
  auto server = StartOrFail({});
  ASSERT_NE(server, nullptr);
  RespClient c(server->port());
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(c.Call({"SET", "late", "v", "PX", "600000"}), "+OK\r\n");  // timer armed far out
  EXPECT_EQ(c.Call({"SET", "early", "v", "PX", "50"}), "+OK\r\n");     // must re-arm earlier
  EXPECT_EQ(c.Call({"SET", "early2", "v", "PX", "60"}), "+OK\r\n");
  std::string dbsize;
  for (int i = 0; i < 100 && dbsize != ":1\r\n"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    dbsize = c.Call({"DBSIZE"});
  }
  EXPECT_EQ(dbsize, ":1\r\n");  // only "late" is left, reclaimed without being read
}

TEST(LifecycleTest, TwoServersGetDifferentPorts) {
  auto a = StartOrFail({});
  auto b = StartOrFail({});
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->port(), b->port());
}

TEST(LifecycleTest, RequirePass) {
  auto server = StartOrFail({"--requirepass", "secret"});
  ASSERT_NE(server, nullptr);
  RespClient c(server->port());
  // Existence and arity are checked before authentication (COMPAT.md §3.7).
  EXPECT_EQ(c.Call({"FOOBAR"}), "-ERR unknown command 'FOOBAR', with args beginning with: \r\n");
  EXPECT_EQ(c.Call({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(c.Call({"GET", "k"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(c.Call({"SET", "k", "v", "NX", "PX", "1000"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(c.Call({"AUTH", "wrong"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(c.Call({"GET", "k"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(c.Call({"AUTH", "secret"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"GET", "k"}), "$1\r\nv\r\n");

  RespClient d(server->port());
  EXPECT_EQ(d.Call({"AUTH", "default", "secret"}), "+OK\r\n");
  EXPECT_EQ(d.Call({"GET", "k"}), "$1\r\nv\r\n");

  RespClient e(server->port());
  std::string hello = e.Call({"HELLO", "3", "AUTH", "default", "secret"});
  EXPECT_EQ(hello.substr(0, 4), "%7\r\n") << EscapeBytes(hello);
  EXPECT_EQ(e.Call({"GET", "k"}), "$1\r\nv\r\n");

  // QUIT is allowed unauthenticated.
  RespClient f(server->port());
  EXPECT_EQ(f.Call({"QUIT"}), "+OK\r\n");
}

// Writes `text` to a fresh file in the temp dir and returns its path.
std::string WriteTempFile(const std::string& text) {
  char path[] = "/tmp/locknode-conf-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return "";
  std::ofstream(path) << text;
  close(fd);
  return path;
}

TEST(LifecycleTest, ConfigFileAndCommandLinePrecedence) {
  std::string conf = WriteTempFile("requirepass = \"fromfile\"\nmaxclients = 50\n");
  ASSERT_FALSE(conf.empty());
  {
    auto server = StartOrFail({"--config", conf});
    ASSERT_NE(server, nullptr);
    RespClient c(server->port());
    EXPECT_EQ(c.Call({"GET", "k"}), "-NOAUTH Authentication required.\r\n");
    EXPECT_EQ(c.Call({"AUTH", "fromfile"}), "+OK\r\n");
  }
  {
    // The command line overrides the file.
    auto server = StartOrFail({"--config", conf, "--requirepass", "fromcli"});
    ASSERT_NE(server, nullptr);
    RespClient c(server->port());
    EXPECT_EQ(c.Call({"AUTH", "fromfile"}),
              "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    EXPECT_EQ(c.Call({"AUTH", "fromcli"}), "+OK\r\n");
  }
  std::remove(conf.c_str());
}

TEST(LifecycleTest, MaxClients) {
  // No loopback reserve: these clients are on loopback and would take it (admission_test.cc).
  auto server = StartOrFail({"--maxclients", "2", "--maxclients-loopback-reserve", "0"});
  ASSERT_NE(server, nullptr);
  // The start-up probe connection may still be counted for a moment: retry until two fit.
  std::unique_ptr<RespClient> a, b;
  for (int attempt = 0; attempt < 50; ++attempt) {
    a = std::make_unique<RespClient>(server->port());
    b = std::make_unique<RespClient>(server->port());
    if (a->Call({"PING"}) == "+PONG\r\n" && b->Call({"PING"}) == "+PONG\r\n") break;
    a.reset();
    b.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(a && b) << "two clients never fitted under --maxclients 2";
  RespClient third(server->port());
  ASSERT_TRUE(third.connected()) << third.error();
  EXPECT_EQ(third.Read().Describe(), "-ERR max number of clients reached\r\n");
  EXPECT_TRUE(third.WaitForClose());
  // The admitted clients are unaffected, and a slot frees up when one leaves.
  EXPECT_EQ(a->Call({"PING"}), "+PONG\r\n");
  b.reset();
  std::string got;
  for (int attempt = 0; attempt < 50; ++attempt) {
    RespClient again(server->port());
    got = again.Call({"PING"});
    if (got == "+PONG\r\n") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(got, "+PONG\r\n");
}

TEST(LifecycleTest, IdleTimeoutClosesConnection) {
  auto server = StartOrFail({"--timeout", "1"});
  ASSERT_NE(server, nullptr);
  RespClient c(server->port());
  ASSERT_EQ(c.Call({"PING"}), "+PONG\r\n");
  // Upper bound only, and a wide one: idle 1 s, checked by a periodic cron in Redis.
  EXPECT_TRUE(c.WaitForClose(std::chrono::seconds(15)));
  RespClient fresh(server->port());
  EXPECT_EQ(fresh.Call({"PING"}), "+PONG\r\n");
}

TEST(LifecycleTest, SigtermExitsWithCodeZero) {
  auto server = StartOrFail({});
  ASSERT_NE(server, nullptr);
  RespClient c(server->port());
  ASSERT_EQ(c.Call({"SET", "k", "v"}), "+OK\r\n");
  server->Signal(SIGTERM);
  std::optional<int> status = server->WaitForExit(kExitTimeout);
  ASSERT_TRUE(status.has_value()) << "no exit 10 s after SIGTERM; log:\n" << server->Log();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
      << DescribeStatus(status) << "; log:\n"
      << server->Log();
  EXPECT_TRUE(c.WaitForClose());
}

TEST(LifecycleTest, SigintExitsWithCodeZero) {
  auto server = StartOrFail({});
  ASSERT_NE(server, nullptr);
  server->Signal(SIGINT);
  std::optional<int> status = server->WaitForExit(kExitTimeout);
  ASSERT_TRUE(status.has_value()) << "no exit 10 s after SIGINT";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << DescribeStatus(status);
}

TEST(LifecycleTest, ShutdownCommandStopsTheServer) {
  auto server = StartOrFail({});
  ASSERT_NE(server, nullptr);
  RespClient other(server->port());
  ASSERT_EQ(other.Call({"PING"}), "+PONG\r\n");
  RespClient c(server->port());
  ASSERT_TRUE(c.Send(EncodeCommand({"SHUTDOWN"})));
  // Redis sends no reply to a successful SHUTDOWN: the connection just closes.
  EXPECT_EQ(c.Read().Describe(), "<eof>");
  std::optional<int> status = server->WaitForExit(kExitTimeout);
  ASSERT_TRUE(status.has_value()) << "no exit 10 s after SHUTDOWN; log:\n" << server->Log();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << DescribeStatus(status);
  EXPECT_TRUE(other.WaitForClose());
}

}  // namespace
}  // namespace locknode::test

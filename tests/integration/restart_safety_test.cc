// Restart safety, the TTL cap, require-ttl and maxmemory against the real binary: kill -9 and a
// restart on the same lease file must refuse lock writes until the old grants have expired,
// while reads, DEL and PING keep working; past maxmemory writes get -OOM and no key is lost.
#include <chrono>
#include <cstdlib>
#include <memory>
#include <signal.h>
#include <string>
#include <thread>
#include <vector>

#include "integration/server_fixture.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

using Clock = std::chrono::steady_clock;

// A private directory for the lease file: it must outlive one server process.
std::string MakeTempDir() {
  char path[] = "/tmp/locknode-lease-XXXXXX";
  return mkdtemp(path) != nullptr ? path : "";
}

std::vector<std::string> SafetyArgs(const std::string& lease_file) {
  return {"--lease-file", lease_file, "--max-ttl", "60000", "--require-ttl", "yes"};
}

TEST(RestartSafetyTest, PolicyErrorsOnAFirstStart) {
  const std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  auto server = StartOrFail(SafetyArgs(dir + "/lease"));
  ASSERT_NE(server, nullptr);
  RespClient c(server->port());
  // A first-ever start waits for nothing.
  EXPECT_EQ(c.Call({"SET", "lock:a", "t", "NX", "PX", "3000"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"SET", "lock:b", "t", "NX", "PX", "60001"}),
            "-ERR invalid expire time in 'set' command (max-ttl is 60000 ms)\r\n");
  EXPECT_EQ(c.Call({"SET", "lock:b", "t", "NX", "EX", "61"}),
            "-ERR invalid expire time in 'set' command (max-ttl is 60000 ms)\r\n");
  EXPECT_EQ(c.Call({"EXISTS", "lock:b"}), ":0\r\n") << "a refused TTL must not be clamped";
  EXPECT_EQ(c.Call({"SET", "plain", "v"}),
            "-ERR keys without a TTL are refused (require-ttl yes): give PX or EX\r\n");
  EXPECT_EQ(c.Call({"SETNX", "plain", "v"}),
            "-ERR keys without a TTL are refused (require-ttl yes): give PX or EX\r\n");
  EXPECT_EQ(c.Call({"PEXPIRE", "lock:a", "70000"}),
            "-ERR invalid expire time in 'pexpire' command (max-ttl is 60000 ms)\r\n");
  EXPECT_EQ(c.Call({"PERSIST", "lock:a"}),
            "-ERR keys without a TTL are refused (require-ttl yes): give PX or EX\r\n");
  EXPECT_EQ(c.Call({"PEXPIRE", "lock:a", "5000"}), ":1\r\n");
  const std::string info = c.Call({"INFO", "persistence"});
  EXPECT_EQ(InfoText(info, "restart_safety"), "on") << info;
  EXPECT_EQ(InfoField(info, "quarantine_remaining_ms"), 0) << info;
  EXPECT_EQ(InfoField(info, "max_ttl_ms"), 60000) << info;
}

TEST(RestartSafetyTest, KillAndRestartRefusesLockWritesUntilOldGrantsExpire) {
  const std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  const std::string lease = dir + "/lease";
  constexpr long long kTtlMs = 3000;
  auto first = StartOrFail(SafetyArgs(lease));
  ASSERT_NE(first, nullptr);
  {
    RespClient c(first->port());
    ASSERT_EQ(c.Call({"SET", "lock:r", "tok", "NX", "PX", std::to_string(kTtlMs)}), "+OK\r\n");
  }
  const auto granted = Clock::now();
  first->Signal(SIGKILL);
  ASSERT_TRUE(first->WaitForExit(std::chrono::seconds(10)).has_value());
  first.reset();

  auto second = StartOrFail(SafetyArgs(lease));
  ASSERT_NE(second, nullptr);
  RespClient c(second->port());
  // The lock died with the process; a new holder must not get it while the old one may live.
  const std::string refused = c.Call({"SET", "lock:r", "other", "NX", "PX", "1000"});
  EXPECT_EQ(
      refused.rfind("-QUARANTINE this node restarted: lock writes are refused for another ", 0), 0u)
      << EscapeBytes(refused);
  const std::string info = c.Call({"INFO", "persistence"});
  const long long remaining = InfoField(info, "quarantine_remaining_ms");
  EXPECT_GT(remaining, 0) << info;
  // The watermark is the grant's deadline plus at most a second of write-ahead headroom.
  EXPECT_LE(remaining, kTtlMs + 1000) << info;
  // Reads, DEL and PING keep working; the release script is a write but only removes.
  EXPECT_EQ(c.Call({"PING"}), "+PONG\r\n");
  EXPECT_EQ(c.Call({"GET", "lock:r"}), "$-1\r\n");
  EXPECT_EQ(c.Call({"DEL", "lock:r"}), ":0\r\n");
  EXPECT_EQ(c.Call({"EVAL",
                    "if redis.call('get',KEYS[1]) == ARGV[1] then return redis.call('del',KEYS[1]) "
                    "else return 0 end",
                    "1", "lock:r", "tok"}),
            ":0\r\n");
  // Lock writes through a script are refused too.
  const std::string scripted = c.Call(
      {"EVAL", "return redis.call('set',KEYS[1],ARGV[1],'NX','PX',1000)", "1", "lock:r", "x"});
  EXPECT_NE(scripted.find("QUARANTINE"), std::string::npos) << EscapeBytes(scripted);

  // Once the old deadline (plus headroom) has passed, the node grants again.
  std::string got;
  while (Clock::now() - granted < std::chrono::seconds(15)) {
    got = c.Call({"SET", "lock:r", "other", "NX", "PX", "1000"});
    if (got == "+OK\r\n") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(got, "+OK\r\n");
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - granted);
  EXPECT_GE(waited.count(), kTtlMs) << "granted before the old lock could have expired";
  std::printf("restart safety: first grant after restart %lld ms after the old grant (ttl %lld)\n",
              static_cast<long long>(waited.count()), kTtlMs);
  EXPECT_EQ(InfoField(c.Call({"INFO", "persistence"}), "quarantine_remaining_ms"), 0);
}

TEST(RestartSafetyTest, WithoutALeaseFileARestartedNodeGrantsAtOnce) {
  // The control: this is the Redis behaviour that makes Redlock unsafe across restarts.
  auto first = StartOrFail({});
  ASSERT_NE(first, nullptr);
  {
    RespClient c(first->port());
    ASSERT_EQ(c.Call({"SET", "lock:r", "tok", "NX", "PX", "30000"}), "+OK\r\n");
  }
  first->Signal(SIGKILL);
  ASSERT_TRUE(first->WaitForExit(std::chrono::seconds(10)).has_value());
  auto second = StartOrFail({});
  ASSERT_NE(second, nullptr);
  RespClient c(second->port());
  EXPECT_EQ(c.Call({"SET", "lock:r", "other", "NX", "PX", "30000"}), "+OK\r\n");
  EXPECT_EQ(InfoText(c.Call({"INFO", "persistence"}), "restart_safety"), "off");
}

TEST(RestartSafetyTest, MaxmemoryRefusesWritesAndKeepsEveryLock) {
  auto server = StartOrFail({"--maxmemory", "1mb"});
  ASSERT_NE(server, nullptr);
  RespClient c(server->port());
  const std::string token(36, 't');
  long long granted = 0;
  std::string last;
  for (int i = 0; i < 100000; ++i) {
    last = c.Call({"SET", "lock:" + std::to_string(i), token, "NX", "PX", "600000"});
    if (last != "+OK\r\n") break;
    ++granted;
  }
  EXPECT_EQ(last, "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
  EXPECT_GT(granted, 1000);
  // Nothing was evicted: every granted lock is still there with its token.
  EXPECT_EQ(c.Call({"DBSIZE"}), ":" + std::to_string(granted) + "\r\n");
  EXPECT_EQ(c.Call({"GET", "lock:0"}), "$36\r\n" + token + "\r\n");
  // Reads, DEL and the release script still work; freeing memory lets writes in again. How much
  // must go depends on whether the last grant grew the index (its slots count too), so free
  // locks 200 at a time, up to half of them.
  last.clear();
  for (long long i = 0; i < granted / 2 && last != "+OK\r\n"; i += 200) {
    for (long long j = i; j < i + 200; ++j) c.Call({"DEL", "lock:" + std::to_string(j)});
    last = c.Call({"SET", "lock:new", token, "NX", "PX", "600000"});
  }
  EXPECT_EQ(last, "+OK\r\n");
  const std::string info = c.Call({"INFO", "memory"});
  EXPECT_EQ(InfoField(info, "maxmemory"), 1024 * 1024) << info;
}

}  // namespace
}  // namespace locknode::test

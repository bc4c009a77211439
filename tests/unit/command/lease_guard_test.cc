// Restart safety (lease file + quarantine), max-ttl, require-ttl and maxmemory, through the real
// dispatcher. A "restart" is a new Shard on the same lease file and the same clock.
#include "locknode/command/lease_guard.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "locknode/base/clock.h"
#include "locknode/base/config.h"
#include "locknode/base/lease_file.h"
#include "locknode/base/lease_writer.h"

#include "support/compat_scripts.h"
#include "test_node.h"

namespace locknode::command {
namespace {

class LeaseGuardTest : public ::testing::Test {
 protected:
  LeaseGuardTest() {
    path_ = ::testing::TempDir() + "locknode-lease-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::remove(path_.c_str());
    config_.lease_file = path_;
  }
  ~LeaseGuardTest() override { std::remove(path_.c_str()); }

  std::unique_ptr<Node> Start() { return std::make_unique<Node>(config_, clock_); }
  std::string FileText() {
    std::ifstream in(path_);
    return {std::istreambuf_iterator<char>(in), {}};
  }

  std::string path_;
  Config config_;
  ManualClock clock_;
};

constexpr std::string_view kReleaseScript =
    script::testdata::FindCompatScript("seed_canonical")->body;

TEST_F(LeaseGuardTest, FirstEverStartWaitsForNothing) {
  auto node = Start();
  EXPECT_EQ(node->shard.lease().QuarantineRemaining(clock_.NowMs()), 0);
  EXPECT_EQ(node->Run({"SET", "lock:a", "t1", "NX", "PX", "5000"}), "+OK\r\n");
}

TEST_F(LeaseGuardTest, RestartRefusesLockWritesUntilEveryEarlierGrantExpired) {
  auto node = Start();
  ASSERT_EQ(node->Run({"SET", "lock:a", "t1", "NX", "PX", "5000"}), "+OK\r\n");
  const Millis granted_until = clock_.NowMs() + 5000;
  // Written ahead of the reply: a kill -9 right now would still find it.
  const auto record = ParseLeaseRecord(FileText());
  ASSERT_TRUE(record.has_value());
  EXPECT_GE(record->watermark, granted_until);
  EXPECT_EQ(record->longest_ttl, 5000);

  node.reset();  // crash: every key is gone
  clock_.Advance(100);
  node = Start();
  const Millis wait = node->shard.lease().QuarantineRemaining(clock_.NowMs());
  EXPECT_GE(wait, granted_until - clock_.NowMs());
  EXPECT_LE(wait, granted_until - clock_.NowMs() + LeaseGuard::kHeadroomMs);

  const std::string refused = node->Run({"SET", "lock:a", "t2", "NX", "PX", "5000"});
  EXPECT_EQ(
      refused.rfind("-QUARANTINE this node restarted: lock writes are refused for another ", 0), 0u)
      << refused;
  EXPECT_EQ(node->Run({"SETNX", "lock:b", "t2"}).substr(0, 11), "-QUARANTINE");
  EXPECT_EQ(node->Run({"PEXPIRE", "lock:a", "100"}).substr(0, 11), "-QUARANTINE");
  EXPECT_EQ(node->Run({"MSET", "k", "v"}).substr(0, 11), "-QUARANTINE");
  const std::string in_script =
      node->Run({"EVAL", "return redis.call('set',KEYS[1],'x','PX',100)", "1", "lock:c"});
  EXPECT_EQ(in_script.substr(0, 11), "-QUARANTINE") << in_script;
  // Reads, deletes, releases and PING keep working; nothing was written.
  EXPECT_EQ(node->Run({"GET", "lock:a"}), "$-1\r\n");
  EXPECT_EQ(node->Run({"EXISTS", "lock:c"}), ":0\r\n");
  EXPECT_EQ(node->Run({"DEL", "lock:a"}), ":0\r\n");
  EXPECT_EQ(node->Run({"EVAL", std::string_view(kReleaseScript), "1", "lock:a", "t1"}), ":0\r\n");
  EXPECT_EQ(node->Run({"PING"}), "+PONG\r\n");
  const std::string info = node->Run({"INFO", "persistence"});
  EXPECT_NE(info.find("restart_safety:on\r\n"), std::string::npos);
  EXPECT_NE(info.find("quarantine_remaining_ms:" + std::to_string(wait) + "\r\n"),
            std::string::npos)
      << info;
  EXPECT_NE(info.find("loading:0\r\n"), std::string::npos);

  clock_.Advance(wait - 1);
  EXPECT_EQ(node->Run({"SET", "lock:a", "t2", "NX", "PX", "5000"}).substr(0, 11), "-QUARANTINE");
  clock_.Advance(1);
  EXPECT_EQ(node->Run({"SET", "lock:a", "t2", "NX", "PX", "5000"}), "+OK\r\n");
}

TEST_F(LeaseGuardTest, CrashDuringTheQuarantineKeepsIt) {
  auto node = Start();
  ASSERT_EQ(node->Run({"SET", "lock:a", "t1", "PX", "10000"}), "+OK\r\n");
  node.reset();
  node = Start();
  const Millis first = node->shard.lease().QuarantineRemaining(clock_.NowMs());
  clock_.Advance(3000);
  node.reset();
  node = Start();
  EXPECT_EQ(node->shard.lease().QuarantineRemaining(clock_.NowMs()), first - 3000);
}

TEST_F(LeaseGuardTest, AfterARebootItWaitsTheLongestTtlEverGranted) {
  {
    LeaseFile file;
    std::optional<LeaseRecord> previous;
    std::string error;
    ASSERT_TRUE(file.Open(path_, &previous, &error)) << error;
    // Another boot: its monotonic deadlines mean nothing on this one's clock.
    ASSERT_TRUE(file.Store({"not-this-boot", 1, 7000}, &error)) << error;
  }
  auto node = Start();
  EXPECT_EQ(node->shard.lease().QuarantineRemaining(clock_.NowMs()), 7000);
}

TEST_F(LeaseGuardTest, AnUnreadableLeaseFileStopsTheNode) {
  std::ofstream(path_) << "garbage\n";
  EXPECT_THROW(Start(), LeaseError);
}

TEST_F(LeaseGuardTest, WithoutALeaseFileARestartedNodeGrantsAtOnce) {
  config_.lease_file.clear();
  auto node = Start();
  ASSERT_EQ(node->Run({"SET", "lock:a", "t1", "NX", "PX", "5000"}), "+OK\r\n");
  node.reset();
  node = Start();
  // The unsafe behaviour restart safety exists to prevent: a second owner at once.
  EXPECT_EQ(node->Run({"SET", "lock:a", "t2", "NX", "PX", "5000"}), "+OK\r\n");
  EXPECT_NE(node->Run({"INFO", "persistence"}).find("restart_safety:off\r\n"), std::string::npos);
}

// INFO persistence's lease counters (lease_guard.h LeaseStats).
int64_t InfoCounter(const std::string& info, const std::string& name) {
  const size_t at = info.find(name + ":");
  if (at == std::string::npos) return -1;
  return std::stoll(info.substr(at + name.size() + 1));
}

TEST_F(LeaseGuardTest, TheWatermarkIsReservedAheadSoSteadyGrantsDoNotWaitForTheDisk) {
  auto node = Start();
  // The first grant finds nothing reserved yet: the one wait.
  ASSERT_EQ(node->Run({"SET", "lock:0", "t", "NX", "PX", "5000"}), "+OK\r\n");
  for (int i = 1; i <= 300; ++i) {
    node->shard.lease().Flush();  // a disk that keeps up with the reservation
    clock_.Advance(10);
    ASSERT_EQ(node->Run({"SET", "lock:" + std::to_string(i), "t", "NX", "PX", "5000"}), "+OK\r\n");
  }
  node->shard.lease().Flush();
  const std::string info = node->Run({"INFO", "persistence"});
  EXPECT_EQ(InfoCounter(info, "lease_grant_waits"), 1) << info;
  // Written in coarse steps, not per grant: 3 s of grants, steps of at least 500 ms.
  EXPECT_LE(InfoCounter(info, "lease_fsyncs"), 1 + 1 + 7) << info;  // startup + first + steps
  EXPECT_EQ(InfoCounter(info, "lease_write_errors"), 0) << info;
  const auto record = ParseLeaseRecord(FileText());
  ASSERT_TRUE(record.has_value());
  EXPECT_GE(record->watermark, clock_.NowMs() + 5000 + LeaseWriter::kLowWaterMs);
  // kHeadroomMs, unless this machine's disk synced slower than 250 ms (then wider).
  EXPECT_GE(InfoCounter(info, "lease_reserve_ahead_ms"), LeaseGuard::kHeadroomMs) << info;
  EXPECT_LE(record->watermark, clock_.NowMs() + 5000 + InfoCounter(info, "lease_reserve_ahead_ms"));
  EXPECT_GE(InfoCounter(info, "lease_watermark_ahead_ms"), 5000 + LeaseWriter::kLowWaterMs);
}

TEST_F(LeaseGuardTest, AGrantPastTheReservationWaitsAndIsOnDiskBeforeItsReply) {
  auto node = Start();
  ASSERT_EQ(node->Run({"SET", "lock:a", "t", "PX", "2000"}), "+OK\r\n");
  node->shard.lease().Flush();
  clock_.Advance(10);
  ASSERT_EQ(node->Run({"SET", "lock:b", "t", "PX", "2000"}), "+OK\r\n");  // within it
  EXPECT_EQ(InfoCounter(node->Run({"INFO", "persistence"}), "lease_grant_waits"), 1);
  // A TTL longer than any lately: past the reservation, so this grant waits for the disk, and
  // its deadline is in the file by the time the reply exists (kill -9 now would find it). On a
  // slow disk the writer widens its lead (a lead of several slow syncs), and a loaded machine's
  // syncs can be slow enough that the reservation already covers 20 s: then nothing waits.
  const auto before = ParseLeaseRecord(FileText());
  ASSERT_TRUE(before.has_value());
  const bool covered = before->watermark >= clock_.NowMs() + 20000;
  ASSERT_EQ(node->Run({"PEXPIRE", "lock:a", "20000"}), ":1\r\n");
  const auto record = ParseLeaseRecord(FileText());
  ASSERT_TRUE(record.has_value());
  EXPECT_GE(record->watermark, clock_.NowMs() + 20000);
  EXPECT_EQ(record->longest_ttl, 20000);
  const std::string info = node->Run({"INFO", "persistence"});
  EXPECT_EQ(InfoCounter(info, "lease_grant_waits"), covered ? 1 : 2) << info;
  EXPECT_GE(InfoCounter(info, "lease_grant_wait_max_us"), 0) << info;
}

// Crash consistency through the real dispatcher and file: after every answered grant, whatever
// the TTLs and the clock did, the file holds a watermark at or past every deadline granted so
// far and a longest TTL at or past every TTL.
TEST_F(LeaseGuardTest, TheFileIsNeverBehindAnAnsweredGrant) {
  auto node = Start();
  std::mt19937 rng(11);
  Millis latest = 0;
  Millis longest = 0;
  for (int i = 0; i < 400; ++i) {
    clock_.Advance(std::uniform_int_distribution<Millis>(0, 300)(rng));
    const Millis ttl = std::uniform_int_distribution<Millis>(1, 8000)(rng);
    const std::string key = "lock:" + std::to_string(i % 50);
    const std::string reply = i % 3 == 0 ? node->Run({"PEXPIRE", key, std::to_string(ttl)})
                                         : node->Run({"SET", key, "t", "PX", std::to_string(ttl)});
    if (reply == ":0\r\n") continue;  // PEXPIRE on an absent key granted nothing
    ASSERT_TRUE(reply == "+OK\r\n" || reply == ":1\r\n") << reply;
    latest = std::max(latest, clock_.NowMs() + ttl);
    longest = std::max(longest, ttl);
    const auto record = ParseLeaseRecord(FileText());
    ASSERT_TRUE(record.has_value()) << "grant " << i;
    ASSERT_GE(record->watermark, latest) << "grant " << i;
    ASSERT_GE(record->longest_ttl, longest) << "grant " << i;
  }
}

class TtlPolicyTest : public LeaseGuardTest {
 protected:
  TtlPolicyTest() { config_.lease_file.clear(); }
};

TEST_F(TtlPolicyTest, MaxTtlRejectsLongerTtlsAndNeverClamps) {
  config_.max_ttl = 30000;
  auto node = Start();
  EXPECT_EQ(node->Run({"SET", "k", "v", "NX", "PX", "30000"}), "+OK\r\n");
  const std::string too_long =
      "-ERR invalid expire time in 'set' command (max-ttl is 30000 ms)\r\n";
  EXPECT_EQ(node->Run({"SET", "k2", "v", "NX", "PX", "30001"}), too_long);
  EXPECT_EQ(node->Run({"SET", "k2", "v", "EX", "31"}), too_long);
  EXPECT_EQ(node->Run({"EXISTS", "k2"}), ":0\r\n");  // not stored with a shorter TTL either
  EXPECT_EQ(node->Run({"PSETEX", "k2", "40000", "v"}),
            "-ERR invalid expire time in 'psetex' command (max-ttl is 30000 ms)\r\n");
  EXPECT_EQ(node->Run({"PEXPIRE", "k", "30001"}),
            "-ERR invalid expire time in 'pexpire' command (max-ttl is 30000 ms)\r\n");
  EXPECT_EQ(node->Run({"PEXPIREAT", "k", "99999999999999"}).substr(0, 29),
            "-ERR invalid expire time in '");
  EXPECT_EQ(node->Run({"PEXPIRE", "k", "20000"}), ":1\r\n");
  // The lock libraries' extend script: the fast path leaves the refusal to Lua's redis.call.
  const std::string extend(script::testdata::FindCompatScript("bsm09_refresh")->body);
  const std::string refused = node->Run({"EVAL", extend, "1", "k", "v", "60000"});
  EXPECT_EQ(refused.rfind("-ERR invalid expire time in 'pexpire' command (max-ttl", 0), 0u)
      << refused;
  EXPECT_EQ(node->Run({"EVAL", extend, "1", "k", "v", "25000"}), ":1\r\n");
  EXPECT_EQ(node->Run({"PTTL", "k"}), ":25000\r\n");
}

TEST_F(TtlPolicyTest, RequireTtlRefusesKeysWithoutATtl) {
  config_.require_ttl = true;
  auto node = Start();
  const std::string refused =
      "-ERR keys without a TTL are refused (require-ttl yes): give PX or EX\r\n";
  EXPECT_EQ(node->Run({"SET", "k", "v"}), refused);
  EXPECT_EQ(node->Run({"SETNX", "k", "v"}), refused);
  EXPECT_EQ(node->Run({"MSET", "k", "v"}), refused);
  EXPECT_EQ(node->Run({"MSETNX", "k", "v"}), refused);
  EXPECT_EQ(node->Run({"SET", "k", "v", "KEEPTTL"}), refused);  // k is absent: no TTL to keep
  EXPECT_EQ(node->Run({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(node->Run({"SET", "k", "v", "NX", "PX", "1000"}), "+OK\r\n");
  EXPECT_EQ(node->Run({"SET", "k", "w", "KEEPTTL"}), "+OK\r\n");
  EXPECT_EQ(node->Run({"PERSIST", "k"}), refused);
  EXPECT_EQ(node->Run({"PTTL", "k"}), ":1000\r\n");
}

TEST_F(TtlPolicyTest, OverMaxmemoryWritesGetOomAndNoKeyIsEvicted) {
  config_.maxmemory = 64 * 1024;
  auto node = Start();
  std::vector<std::string> stored;
  std::string reply;
  for (int i = 0; i < 100000; ++i) {
    const std::string key = "lock:" + std::to_string(i);
    reply = node->Run({"SET", key, "0123456789abcdef0123456789abcdef0123", "NX", "PX", "600000"});
    if (reply != "+OK\r\n") break;
    stored.push_back(key);
  }
  EXPECT_EQ(reply, "-OOM command not allowed when used memory > 'maxmemory'.\r\n");
  ASSERT_GT(stored.size(), 100u);
  EXPECT_GE(node->shard.keyspace().used_bytes(), static_cast<size_t>(config_.maxmemory));
  EXPECT_EQ(node->Run({"DBSIZE"}), ":" + std::to_string(stored.size()) + "\r\n");
  for (const std::string& key : stored) {
    ASSERT_EQ(node->Run({"GET", key}), "$36\r\n0123456789abcdef0123456789abcdef0123\r\n") << key;
  }
  EXPECT_EQ(node->Run({"SETNX", "x", "v"}).substr(0, 4), "-OOM");
  EXPECT_EQ(node->Run({"EVAL", "return redis.call('set','x','v','PX',100)", "0"}).substr(0, 4),
            "-OOM");
  // Not denyoom: extending and releasing held locks still work.
  EXPECT_EQ(node->Run({"PEXPIRE", stored[0], "1000"}), ":1\r\n");
  EXPECT_EQ(node->Run({"EVAL", std::string_view(kReleaseScript), "1", stored[0],
                       "0123456789abcdef0123456789abcdef0123"}),
            ":1\r\n");
  const std::string info = node->Run({"INFO", "memory"});
  EXPECT_NE(info.find("maxmemory:65536\r\n"), std::string::npos) << info;
  EXPECT_NE(info.find("maxmemory_policy:noeviction\r\n"), std::string::npos);
  // Freed memory takes writes again.
  for (size_t i = 1; i < stored.size() / 2; ++i) node->Run({"DEL", stored[i]});
  EXPECT_EQ(node->Run({"SET", "again", "v", "PX", "1000"}), "+OK\r\n");
}

TEST(LeaseRecordTest, RoundTripsAndRejectsGarbage) {
  const LeaseRecord r{"b00t", 123456789, 30000};
  const auto parsed = ParseLeaseRecord(FormatLeaseRecord(r));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->boot_id, "b00t");
  EXPECT_EQ(parsed->watermark, 123456789);
  EXPECT_EQ(parsed->longest_ttl, 30000);
  EXPECT_FALSE(ParseLeaseRecord("").has_value());
  EXPECT_FALSE(ParseLeaseRecord("locknode-lease-v1 boot=x watermark_ms=abc longest_ttl_ms=1\n"));
  EXPECT_FALSE(ParseLeaseRecord("locknode-lease-v1 boot=x watermark_ms=1\n"));
}

}  // namespace
}  // namespace locknode::command

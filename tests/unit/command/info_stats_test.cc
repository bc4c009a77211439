// INFO commandstats / errorstats / latencystats / keyspace avg_ttl / # Locks, through the real
// dispatcher under a manual clock (so every duration is 0 and the figures are exact).
#include <string>

#include <gtest/gtest.h>

#include "command_fixture.h"

namespace locknode::command {
namespace {

constexpr std::string_view kRelease =
    "if redis.call('get',KEYS[1]) == ARGV[1] then return redis.call('del',KEYS[1]) else return 0 "
    "end";
constexpr std::string_view kExtend =
    "if redis.call('get',KEYS[1]) == ARGV[1] then return redis.call('pexpire',KEYS[1],ARGV[2]) "
    "else return 0 end";

class InfoStatsTest : public CommandTest {
 protected:
  // The INFO text (a bulk in RESP2), without the length line.
  std::string Info(std::string_view section) {
    const std::string reply = Run({"info", section});
    return reply.substr(reply.find("\r\n") + 2);
  }
  static bool Has(const std::string& text, const std::string& line) {
    return text.find(line + "\r\n") != std::string::npos;
  }
};

TEST_F(InfoStatsTest, CommandStatsCountCallsRejectionsAndFailures) {
  Run({"set", "a", "1"});
  Run({"set", "a", "1", "nx"});
  Run({"get"});                       // arity: rejected
  Run({"get", "a", "b"});             // rejected again
  Run({"set", "a", "1", "ex", "x"});  // fails inside the handler
  const std::string text = Info("commandstats");
  EXPECT_TRUE(Has(text,
                  "cmdstat_set:calls=3,usec=0,usec_per_call=0.00,rejected_calls=0,"
                  "failed_calls=1"))
      << text;
  EXPECT_TRUE(Has(text,
                  "cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=2,"
                  "failed_calls=0"))
      << text;
  EXPECT_EQ(text.find("cmdstat_del"), std::string::npos);  // never called: not listed
}

TEST_F(InfoStatsTest, SubcommandsHaveTheirFullName) {
  Run({"client", "setname", "x"});
  EXPECT_TRUE(Has(Info("commandstats"),
                  "cmdstat_client|setname:calls=1,usec=0,"
                  "usec_per_call=0.00,rejected_calls=0,failed_calls=0"));
}

TEST_F(InfoStatsTest, ErrorStatsByCode) {
  Run({"foo"});
  Run({"get"});
  Run({"set", "a", "1"});
  Run({"evalsha", "0123456789012345678901234567890123456789", "0"});  // NOSCRIPT
  const std::string text = Info("errorstats");
  EXPECT_EQ(text, "# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_NOSCRIPT:count=1\r\n\r\n");
  EXPECT_TRUE(Has(Info("stats"), "total_error_replies:3"));
}

TEST_F(InfoStatsTest, LatencyStatsOnlyForCalledCommands) {
  Run({"set", "a", "1"});
  const std::string text = Info("latencystats");
  EXPECT_TRUE(Has(text, "latency_percentiles_usec_set:p50=0.000,p99=0.000,p99.9=0.000")) << text;
  EXPECT_EQ(text.find("latency_percentiles_usec_get"), std::string::npos);
}

TEST_F(InfoStatsTest, DefaultLeavesOutCommandAndLatencyStats) {
  Run({"set", "a", "1"});
  const std::string text = Info("default");
  EXPECT_EQ(text.find("# Commandstats"), std::string::npos);
  EXPECT_EQ(text.find("# Latencystats"), std::string::npos);
  EXPECT_NE(text.find("# Errorstats"), std::string::npos);
  EXPECT_NE(text.find("# Locks"), std::string::npos);
  const std::string all = Info("all");
  EXPECT_LT(all.find("# Commandstats"), all.find("# Errorstats"));
  EXPECT_LT(all.find("# Errorstats"), all.find("# Latencystats"));
  EXPECT_LT(all.find("# Latencystats"), all.find("# Cluster"));
  EXPECT_LT(all.find("# Locks"), all.find("# Keyspace"));
}

TEST_F(InfoStatsTest, AverageTtlIsTheMeanTimeLeft) {
  Run({"set", "a", "1", "px", "10000"});
  Run({"set", "b", "1", "px", "20000"});
  Run({"set", "c", "1"});
  EXPECT_TRUE(Has(Info("keyspace"), "db0:keys=3,expires=2,avg_ttl=15000"));
  AdvanceTime(5000);
  EXPECT_TRUE(Has(Info("keyspace"), "db0:keys=3,expires=2,avg_ttl=10000"));
  Run({"persist", "b"});
  EXPECT_TRUE(Has(Info("keyspace"), "db0:keys=3,expires=1,avg_ttl=5000"));
}

TEST_F(InfoStatsTest, LockCounters) {
  Run({"set", "l1", "t1", "nx", "px", "10000"});  // granted
  Run({"set", "l1", "t2", "nx", "px", "10000"});  // refused
  Run({"set", "l2", "t2", "nx", "px", "1000"});   // granted
  Run({"set", "k", "v", "nx"});                   // no TTL: not a lock
  AdvanceTime(3000);
  EXPECT_EQ(Run({"eval", kExtend, "1", "l1", "t1", "10000"}), ":1\r\n");
  EXPECT_EQ(Run({"eval", kExtend, "1", "l1", "zz", "10000"}), ":0\r\n");
  AdvanceTime(4000);
  EXPECT_EQ(Run({"eval", kRelease, "1", "l1", "t1"}), ":1\r\n");  // 6000 ms left
  EXPECT_EQ(Run({"eval", kRelease, "1", "l2", "t2"}), ":0\r\n");  // expired while held
  const std::string text = Info("locks");
  EXPECT_TRUE(Has(text, "lock_acquired:2")) << text;
  EXPECT_TRUE(Has(text, "lock_acquire_refused:1"));
  EXPECT_TRUE(Has(text, "lock_released:1"));
  EXPECT_TRUE(Has(text, "lock_release_missed:1"));
  EXPECT_TRUE(Has(text, "lock_extended:1"));
  EXPECT_TRUE(Has(text, "lock_extend_missed:1"));
  EXPECT_TRUE(Has(text, "lock_expired:1"));
  EXPECT_TRUE(Has(text, "lock_held:0"));
  // 6000 ms falls in a bucket [6000, 6015]: the histogram's resolution.
  EXPECT_TRUE(Has(text, "lock_release_margin_ms_p50:6015")) << text;
  EXPECT_TRUE(Has(text, "lock_quarantines:0"));
}

TEST_F(InfoStatsTest, UsedMemoryFollowsTheKeys) {
  auto used = [&] {
    const std::string text = Info("memory");
    const size_t at = text.find("used_memory:") + 12;
    return std::stoull(text.substr(at, text.find("\r\n", at) - at));
  };
  const uint64_t before = used();
  std::vector<std::string> keys;
  for (int i = 0; i < 20000; ++i) keys.push_back("lock:" + std::to_string(i));
  for (const std::string& k : keys)
    Run({"set", k, "0123456789abcdef0123456789abcdef", "px", "60000"});
  const uint64_t after = used();
  EXPECT_GT(after, before + 20000 * 64) << before << " -> " << after;
  const std::string text = Info("memory");
  const size_t at = text.find("used_memory_dataset:") + 20;
  EXPECT_LE(std::stoull(text.substr(at, text.find("\r\n", at) - at)), after);
}

}  // namespace
}  // namespace locknode::command

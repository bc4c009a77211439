// SLOWLOG, LATENCY, CONFIG SET of mutable options, ROLE, WAIT, WAITAOF, LASTSAVE, SAVE, BGSAVE,
// DEBUG. Durations come from the manual clock, so a "slow" command is made by a threshold of 0.
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "command_fixture.h"

namespace locknode::command {
namespace {

using OpsTest = CommandTest;

TEST_F(OpsTest, ConfigSetChangesMutableOptionsAllOrNothing) {
  EXPECT_EQ(Run({"config", "set", "slowlog-max-len", "5", "maxmemory", "10mb"}), "+OK\r\n");
  EXPECT_EQ(config_.slowlog_max_len, 5);
  EXPECT_EQ(config_.maxmemory, 10 * 1024 * 1024);
  EXPECT_EQ(Run({"config", "get", "slowlog-max-len"}),
            "*2\r\n$15\r\nslowlog-max-len\r\n$1\r\n5\r\n");
  EXPECT_EQ(Run({"config", "set", "slowlog-max-len", "7", "slowlog-log-slower-than", "x"}),
            "-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - "
            "argument couldn't be parsed into an integer\r\n");
  EXPECT_EQ(config_.slowlog_max_len, 5);  // nothing applied
  EXPECT_EQ(Run({"config", "set", "slowlog-log-slower-than", "-5"}),
            "-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - "
            "argument must be between -1 and 9223372036854775807 inclusive\r\n");
  EXPECT_EQ(Run({"config", "set", "slowlog-max-len", "5", "slowlog-max-len", "6"}),
            "-ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - "
            "duplicate parameter\r\n");
  EXPECT_EQ(Run({"config", "set", "slowlog-max-len", "5", "nosuch", "6"}),
            "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n");
  EXPECT_EQ(Run({"config", "set", "port", "1"}),
            "-ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable "
            "config\r\n");
}

TEST_F(OpsTest, SlowlogRecordsCommandsAtTheThreshold) {
  EXPECT_EQ(Run({"slowlog", "len"}), ":0\r\n");
  Run({"config", "set", "slowlog-log-slower-than", "0"});  // logged itself: 0 us >= 0
  client_.peer = "127.0.0.1:5000";
  client_.name = "me";
  Run({"set", "k", std::string(130, 'v')});
  const std::string got = Run({"slowlog", "get", "1"});  // newest first: the SET
  const std::string wall = std::to_string(clock_.WallUs() / 1'000'000);
  EXPECT_EQ(got, "*1\r\n*6\r\n:1\r\n:" + wall + "\r\n:0\r\n*3\r\n$3\r\nset\r\n$1\r\nk\r\n$146\r\n" +
                     std::string(128, 'v') +
                     "... (2 more bytes)\r\n$14\r\n127.0.0.1:5000\r\n$2\r\n"
                     "me\r\n");
  EXPECT_EQ(Run({"slowlog", "len"}), ":3\r\n");  // CONFIG SET, SET, SLOWLOG GET
  EXPECT_EQ(Run({"slowlog", "get", "-2"}), "-ERR count should be greater than or equal to -1\r\n");
  EXPECT_EQ(Run({"slowlog", "reset"}), "+OK\r\n");
  Run({"config", "set", "slowlog-log-slower-than", "-1"});
  EXPECT_EQ(Run({"slowlog", "len"}), ":1\r\n");  // the CONFIG SET before it switched off
  EXPECT_EQ(Run({"slowlog", "foo"}), "-ERR unknown subcommand 'foo'. Try SLOWLOG HELP.\r\n");
}

TEST_F(OpsTest, SlowlogKeepsMaxLen) {
  Run({"config", "set", "slowlog-max-len", "2", "slowlog-log-slower-than", "0"});
  for (int i = 0; i < 5; ++i) Run({"ping"});
  EXPECT_EQ(Run({"slowlog", "len"}), ":2\r\n");
}

TEST_F(OpsTest, LatencyIsOffByDefault) {
  Run({"set", "k", "v"});
  EXPECT_EQ(Run({"latency", "latest"}), "*0\r\n");
  EXPECT_EQ(Run({"latency", "history", "command"}), "*0\r\n");
  EXPECT_EQ(Run({"latency", "reset"}), ":0\r\n");
  EXPECT_EQ(Run({"latency", "doctor"}).substr(0, 38), "$288\r\nI'm sorry, Dave, I can't do that");
  EXPECT_EQ(Run({"latency", "history"}),
            "-ERR wrong number of arguments for 'latency|history' command\r\n");
}

TEST_F(OpsTest, LatencyDoctorWithNoSpikes) {
  Run({"config", "set", "latency-monitor-threshold", "100"});
  EXPECT_EQ(Run({"latency", "doctor"}).substr(0, 10), "$196\r\nDave");
}

TEST_F(OpsTest, ReplicationAndPersistenceAsARedisWithNeither) {
  EXPECT_EQ(Run({"role"}), "*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n");
  EXPECT_EQ(Run({"wait", "0", "0"}), ":0\r\n");
  EXPECT_EQ(Run({"wait", "1", "-1"}), "-ERR timeout is negative\r\n");
  EXPECT_EQ(Run({"wait", "x", "0"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(Run({"waitaof", "1", "0", "0"}),
            "-ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.\r\n");
  EXPECT_EQ(Run({"waitaof", "0", "0", "0"}), "*2\r\n:0\r\n:0\r\n");
  const std::string start = ":" + std::to_string(clock_.WallUs() / 1'000'000) + "\r\n";
  EXPECT_EQ(Run({"lastsave"}), start);
  AdvanceTime(5000);
  EXPECT_EQ(Run({"bgsave"}), "+Background saving started\r\n");
  EXPECT_EQ(Run({"lastsave"}), ":" + std::to_string(clock_.WallUs() / 1'000'000) + "\r\n");
  EXPECT_EQ(Run({"save"}), "+OK\r\n");
  EXPECT_EQ(Run({"debug", "sleep", "0"}).substr(0, 36), "-ERR DEBUG command not allowed. If t");
}

// Redis 7.0's MEMORY STATS fields, in its order (db.0 holds three of its own).
TEST_F(OpsTest, MemoryStatsHasRedisFields) {
  const std::string reply = Run({"memory", "stats"});
  EXPECT_EQ(reply.substr(0, 5), "*56\r\n");
  size_t at = 0;
  for (const char* name : {"peak.allocated",
                           "total.allocated",
                           "startup.allocated",
                           "replication.backlog",
                           "clients.slaves",
                           "clients.normal",
                           "cluster.links",
                           "aof.buffer",
                           "lua.caches",
                           "functions.caches",
                           "db.0",
                           "overhead.hashtable.main",
                           "overhead.hashtable.expires",
                           "overhead.hashtable.slot-to-keys",
                           "overhead.total",
                           "keys.count",
                           "keys.bytes-per-key",
                           "dataset.bytes",
                           "dataset.percentage",
                           "peak.percentage",
                           "allocator.allocated",
                           "allocator.active",
                           "allocator.resident",
                           "allocator-fragmentation.ratio",
                           "allocator-fragmentation.bytes",
                           "allocator-rss.ratio",
                           "allocator-rss.bytes",
                           "rss-overhead.ratio",
                           "rss-overhead.bytes",
                           "fragmentation",
                           "fragmentation.bytes"}) {
    const std::string bulk =
        "$" + std::to_string(std::string(name).size()) + "\r\n" + name + "\r\n";
    const size_t found = reply.find(bulk, at);
    ASSERT_NE(found, std::string::npos) << name;
    at = found + bulk.size();
  }
}

TEST_F(OpsTest, ResetStatClearsTheCommandErrorAndLockStats) {
  Run({"set", "l", "t", "nx", "px", "1000"});
  Run({"foo"});
  EXPECT_EQ(Run({"config", "resetstat"}), "+OK\r\n");
  const std::string info = Run({"info", "all"});
  EXPECT_EQ(info.find("cmdstat_set"), std::string::npos);
  EXPECT_EQ(info.find("errorstat_ERR"), std::string::npos);
  EXPECT_NE(info.find("lock_acquired:0\r\n"), std::string::npos);
}

}  // namespace
}  // namespace locknode::command

namespace locknode::command {
namespace {

Config WithConfigFile(const std::string& path) {
  Config c;
  c.config_file = path;
  return c;
}

class ConfigRewriteTest : public CommandTest {
 protected:
  ConfigRewriteTest() : CommandTest(WithConfigFile(Path())) {}
  static std::string Path() {
    return ::testing::TempDir() + "/locknode_rewrite_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".conf";
  }
  static void Write(const std::string& text) {
    std::FILE* f = std::fopen(Path().c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  static std::string Read() {
    std::FILE* f = std::fopen(Path().c_str(), "r");
    std::string text;
    for (int c = std::fgetc(f); c != EOF; c = std::fgetc(f)) text += static_cast<char>(c);
    std::fclose(f);
    return text;
  }
};

TEST_F(ConfigRewriteTest, UpdatesStatedOptionsAppendsChangedOnesKeepsTheRest) {
  Write("# a comment\nport = 7000\nslowlog-max-len = 5\n");
  Run({"config", "set", "slowlog-max-len", "64", "latency-monitor-threshold", "25"});
  EXPECT_EQ(Run({"config", "rewrite"}), "+OK\r\n");
  EXPECT_EQ(Read(),
            "# a comment\nport = 7000\nslowlog-max-len = 64\nlatency-monitor-threshold = 25\n");
}

TEST(ConfigRewriteNoFile, RedisError) {
  Config config;
  ManualClock clock;
  Shard shard(config, clock, nullptr);
  Dispatcher dispatcher(shard);
  ClientState client;
  protocol::OutBuffer out;
  protocol::RespWriter writer(&out);
  const std::string_view args[] = {"config", "rewrite"};
  dispatcher.Execute(args, client, writer);
  EXPECT_EQ(out.view(), "-ERR The server is running without a config file\r\n");
}

}  // namespace
}  // namespace locknode::command

// Hash family behaviour the differential suite cannot show: what an aborted script's undo log
// restores for both encodings, HSCAN's guarantee on a table while it changes, the memory
// accounting of both encodings, and that a hash lock's keyspace entry is one compact block.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "command_fixture.h"
#include "support/redisson_scripts.h"

namespace locknode::command {
namespace {

class HashCmdsTest : public CommandTest {
 protected:
  void FillTable(std::string_view key, int n) {
    for (int i = 0; i < n; ++i) {
      const std::string f = "f" + std::to_string(i);
      Run({"HSET", key, f, "v"});
    }
  }
  // The fields and values of one HSCAN reply's element array, and its next cursor.
  static uint64_t ParseScan(const std::string& reply, std::vector<std::string>* fields) {
    // *2\r\n$<n>\r\n<cursor>\r\n*<m>\r\n then m bulks (field, value alternating).
    size_t pos = reply.find("\r\n", 4) + 2;
    const size_t cursor_end = reply.find("\r\n", pos);
    const uint64_t cursor = std::stoull(reply.substr(pos, cursor_end - pos));
    pos = reply.find("\r\n", cursor_end + 2) + 2;
    for (int i = 0; pos < reply.size(); ++i) {
      const size_t len_end = reply.find("\r\n", pos);
      const size_t len = std::stoul(reply.substr(pos + 1, len_end - pos - 1));
      if (i % 2 == 0) fields->push_back(reply.substr(len_end + 2, len));
      pos = len_end + 2 + len + 2;
    }
    return cursor;
  }
};

TEST_F(HashCmdsTest, AbortedScriptRestoresHashesOfBothEncodings) {
  script::EngineLimits limits = shard_.lua().limits();
  limits.instruction_limit = 100'000;
  shard_.lua().set_limits(limits);
  Run({"HSET", "small", "a", "1", "b", "2"});
  Run({"PEXPIRE", "small", "9000"});
  FillTable("big", 600);
  Run({"HSET", "gone", "only", "x"});
  const std::string small_before = Run({"HGETALL", "small"});
  const size_t used_before = shard_.keyspace().used_bytes();
  const std::string reply = Run({"EVAL",
                                 "redis.call('hincrby', 'small', 'a', 5) "
                                 "redis.call('hset', 'small', 'c', string.rep('x', 80)) "
                                 "redis.call('hdel', 'big', 'f1', 'f2') "
                                 "redis.call('hset', 'big', 'new', 'y') "
                                 "redis.call('hdel', 'gone', 'only') "
                                 "redis.call('hset', 'created', 'f', 'v') while true do end",
                                 "0"});
  EXPECT_EQ(reply.rfind("-ERR Script aborted:", 0), 0u) << reply;
  EXPECT_EQ(Run({"HGETALL", "small"}), small_before);  // listpack order too
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "small"}), "$8\r\nlistpack\r\n");
  EXPECT_EQ(Run({"PTTL", "small"}), ":9000\r\n");
  EXPECT_EQ(Run({"HLEN", "big"}), ":600\r\n");
  EXPECT_EQ(Run({"HEXISTS", "big", "f1"}), ":1\r\n");
  EXPECT_EQ(Run({"HEXISTS", "big", "new"}), ":0\r\n");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "big"}), "$9\r\nhashtable\r\n");
  EXPECT_EQ(Run({"HGET", "gone", "only"}), "$1\r\nx\r\n");
  EXPECT_EQ(Run({"EXISTS", "created"}), ":0\r\n");
  // A clone's table may be sized differently; the compact values come back byte for byte.
  const size_t used_after = shard_.keyspace().used_bytes();
  EXPECT_NEAR(static_cast<double>(used_after), static_cast<double>(used_before),
              0.1 * static_cast<double>(used_before));
}

// Redis's SCAN guarantee: a field present from the first call to the last is returned, however
// the table grows or shrinks in between; the scan ends (cursor 0).
TEST_F(HashCmdsTest, HScanOnATableReturnsEveryFieldPresentThroughout) {
  FillTable("h", 2000);
  std::set<std::string> throughout;
  for (int i = 0; i < 2000; i += 2) throughout.insert("f" + std::to_string(i));
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  int added = 0;
  do {
    std::vector<std::string> fields;
    const uint64_t next = ParseScan(Run({"HSCAN", "h", cursor, "COUNT", "25"}), &fields);
    EXPECT_LE(fields.size(), 30u);
    seen.insert(fields.begin(), fields.end());
    // Churn between calls: odd fields go, new ones come (the table rehashes both ways).
    for (int j = 0; j < 40; ++j) {
      const std::string odd = "f" + std::to_string((calls * 40 + j) * 2 + 1);
      Run({"HDEL", "h", odd});
      const std::string fresh = "n" + std::to_string(added++);
      Run({"HSET", "h", fresh, "v"});
    }
    cursor = std::to_string(next);
    ++calls;
  } while (cursor != "0" && calls < 10'000);
  EXPECT_EQ(cursor, "0");
  EXPECT_GT(calls, 40);
  for (const std::string& f : throughout) EXPECT_EQ(seen.count(f), 1u) << f;
}

TEST_F(HashCmdsTest, UsedBytesFollowBothEncodingsAndReturnToBaseline) {
  Run({"SET", "x", "y"});
  Run({"DEL", "x"});  // the index has its first slots now; only entries change below
  const size_t empty = shard_.keyspace().used_bytes();
  Run({"HSET", "lock", "8743c9c0-0795-4907-87fd-6c719a6b4586:1", "1"});
  // One arena block and no object: 24-byte header, 4-byte key, 41 bytes of compact hash.
  EXPECT_EQ(shard_.keyspace().used_bytes() - empty, 72u);
  Run({"HINCRBY", "lock", "8743c9c0-0795-4907-87fd-6c719a6b4586:1", "1"});
  EXPECT_EQ(shard_.keyspace().used_bytes() - empty, 72u);
  Run({"DEL", "lock"});
  EXPECT_EQ(shard_.keyspace().used_bytes(), empty);
  FillTable("h", 600);
  const size_t table = shard_.keyspace().used_bytes() - empty;
  EXPECT_GT(table, 600u * 10u);
  Run({"HSET", "h", "long", std::string(5000, 'x')});
  EXPECT_GT(shard_.keyspace().used_bytes() - empty, table + 5000u);
  Run({"DEL", "h"});
  EXPECT_EQ(shard_.keyspace().used_bytes(), empty);
}

// The Redisson acquire script, re-entered and released, through the real dispatcher.
TEST_F(HashCmdsTest, RedissonLockRoundTrip) {
  const auto* acquire = script::testdata::FindRedissonScript("rlock_trylock");
  ASSERT_NE(acquire, nullptr);
  const std::string body(acquire->body);
  const std::string holder = "8743c9c0-0795-4907-87fd-6c719a6b4586:1";
  EXPECT_EQ(Run({"EVAL", body, "1", "lock", "30000", holder}), "$-1\r\n");
  EXPECT_EQ(Run({"EVAL", body, "1", "lock", "30000", holder}), "$-1\r\n");
  EXPECT_EQ(Run({"HGET", "lock", holder}), "$1\r\n2\r\n");
  AdvanceTime(1000);
  EXPECT_EQ(Run({"EVAL", body, "1", "lock", "30000", "other:2"}), ":29000\r\n");
  EXPECT_EQ(Run({"HINCRBY", "lock", holder, "-2"}), ":0\r\n");
  EXPECT_EQ(Run({"HLEN", "lock"}), ":1\r\n");
}

}  // namespace
}  // namespace locknode::command

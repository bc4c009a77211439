// The collection families (sorted sets, lists, sets) where the differential tests cannot look:
// an aborted script's rollback of collections, the bytes the keyspace charges for them
// (maxmemory), and the write policy's TTL rule for in-place collection writes.
#include <string>
#include <string_view>
#include <vector>

#include "command_fixture.h"

namespace locknode::command {
namespace {

class CollectionCmdsTest : public CommandTest {};

TEST_F(CollectionCmdsTest, AbortedScriptRestoresCollectionsAndTheirTtls) {
  script::EngineLimits limits = shard_.lua().limits();
  limits.instruction_limit = 100'000;
  shard_.lua().set_limits(limits);
  Run({"ZADD", "z", "1", "a", "2", "b"});
  Run({"PEXPIRE", "z", "9000"});
  Run({"RPUSH", "l", "x", "y"});
  Run({"SADD", "s", "1", "2"});
  const std::string reply =
      Run({"EVAL",
           "redis.call('zadd', 'z', 5, 'c') redis.call('zrem', 'z', 'a') "
           "redis.call('lpop', 'l') redis.call('lpop', 'l') redis.call('sadd', 's', 'w') "
           "redis.call('zadd', 'new', 1, 'n') while true do end",
           "0"});
  EXPECT_EQ(reply.rfind("-ERR Script aborted:", 0), 0u) << reply;
  EXPECT_EQ(Run({"ZRANGE", "z", "0", "-1", "WITHSCORES"}),
            "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n");
  EXPECT_EQ(Run({"PTTL", "z"}), ":9000\r\n");
  EXPECT_EQ(Run({"LRANGE", "l", "0", "-1"}), "*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "s"}), "$6\r\nintset\r\n");
  EXPECT_EQ(Run({"SMEMBERS", "s"}), "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(Run({"EXISTS", "new"}), ":0\r\n");
}

TEST_F(CollectionCmdsTest, UsedBytesFollowCollectionsUpAndDown) {
  // The key index allocates its slots with the first key and keeps them: measure from there.
  Run({"SET", "warm", "x"});
  Run({"DEL", "warm"});
  const size_t empty = shard_.keyspace().used_bytes();
  std::vector<std::string> args = {"ZADD", "z"};
  for (int i = 0; i < 300; ++i) {
    args.push_back(std::to_string(i));
    args.push_back(std::string(40, 'm') + std::to_string(i));
  }
  std::vector<std::string_view> views(args.begin(), args.end());
  Run(views);
  const size_t grown = shard_.keyspace().used_bytes();
  EXPECT_GT(grown, empty + 300 * 40);
  EXPECT_EQ(Run({"ZREMRANGEBYRANK", "z", "0", "149"}), ":150\r\n");
  const size_t half = shard_.keyspace().used_bytes();
  EXPECT_LT(half, grown);
  EXPECT_GT(half, empty + 150 * 40);
  Run({"DEL", "z"});
  EXPECT_EQ(shard_.keyspace().used_bytes(), empty);

  Run({"RPUSH", "l", std::string(100, 'x'), std::string(100, 'y')});
  EXPECT_GT(shard_.keyspace().used_bytes(), empty + 200);
  Run({"LPOP", "l", "2"});  // emptied: the key goes, and its bytes with it
  EXPECT_EQ(Run({"EXISTS", "l"}), ":0\r\n");
  EXPECT_EQ(shard_.keyspace().used_bytes(), empty);
}

class RequireTtlCollectionsTest : public CommandTest {
 protected:
  RequireTtlCollectionsTest() : CommandTest(RequireTtl()) {}
  static Config RequireTtl() {
    Config config;
    config.require_ttl = true;
    return config;
  }
};

// A collection write keeps the key's TTL; where it would create a key, that key would have none,
// so require-ttl refuses it (a sorted set or list can then not be created at all).
TEST_F(RequireTtlCollectionsTest, InPlaceWritesNeedAKeyWithATtl) {
  const std::string refused =
      "-ERR keys without a TTL are refused (require-ttl yes): give PX or EX\r\n";
  EXPECT_EQ(Run({"ZADD", "z", "1", "a"}), refused);
  EXPECT_EQ(Run({"RPUSH", "l", "a"}), refused);
  EXPECT_EQ(Run({"SADD", "s", "a"}), refused);
  EXPECT_EQ(Run({"EXISTS", "z", "l", "s"}), ":0\r\n");
  // Inside a script too (the semaphore scripts' ZADD-then-PEXPIRE is refused at the ZADD).
  EXPECT_EQ(Run({"EVAL", "return redis.call('zadd', KEYS[1], 1, 'a')", "1", "z"})
                .rfind("-ERR keys without a TTL are refused (require-ttl yes)", 0),
            0u);
  EXPECT_EQ(Run({"EXISTS", "z"}), ":0\r\n");
}

}  // namespace
}  // namespace locknode::command

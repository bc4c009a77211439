// MSET / MSETNX / MGET / GETRANGE, directly and from Lua (bsm/redislock, COMPAT.md §2.8).
// Expected bytes were captured from redis-server 7.0.15. Time only moves through the
// ManualClock, so PTTLs are exact.

#include <string>
#include <string_view>

#include "command_fixture.h"
#include "support/compat_scripts.h"

namespace locknode::command {
namespace {

using script::testdata::CompatScript;
using script::testdata::FindCompatScript;

constexpr std::string_view kNotInt = "-ERR value is not an integer or out of range\r\n";
constexpr std::string_view kEmpty = "$0\r\n\r\n";

class MultiStringCmdsTest : public CommandTest {};

TEST_F(MultiStringCmdsTest, MSetSetsEveryPairAndClearsTtls) {
  EXPECT_EQ(Run({"SET", "a", "old", "PX", "5000"}), "+OK\r\n");
  EXPECT_EQ(Run({"MSET", "a", "1", "b", "2"}), "+OK\r\n");
  EXPECT_EQ(Run({"MGET", "a", "b", "c"}), "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n");
  EXPECT_EQ(Run({"PTTL", "a"}), ":-1\r\n");  // Redis setKey: an overwrite drops the TTL
  EXPECT_EQ(Run({"mset", "a", "1", "a", "3"}), "+OK\r\n");  // the last value of a key wins
  EXPECT_EQ(Run({"GET", "a"}), "$1\r\n3\r\n");
  const std::string binary("x\0\r\ny", 5);
  EXPECT_EQ(Run({"MSET", binary, "", "e", binary}), "+OK\r\n");
  EXPECT_EQ(Run({"MGET", binary, "e"}), "*2\r\n$0\r\n\r\n$5\r\n" + binary + "\r\n");
}

TEST_F(MultiStringCmdsTest, ArityErrors) {
  constexpr std::string_view kMSet = "-ERR wrong number of arguments for 'mset' command\r\n";
  constexpr std::string_view kMSetNx = "-ERR wrong number of arguments for 'msetnx' command\r\n";
  EXPECT_EQ(Run({"MSET"}), kMSet);
  EXPECT_EQ(Run({"MSET", "a"}), kMSet);
  EXPECT_EQ(Run({"MSET", "a", "1", "b"}), kMSet);  // passes arity -3, fails the pair check
  EXPECT_EQ(Run({"MSETNX", "a"}), kMSetNx);
  EXPECT_EQ(Run({"MSETNX", "a", "1", "b"}), kMSetNx);
  EXPECT_EQ(Run({"MGET"}), "-ERR wrong number of arguments for 'mget' command\r\n");
  EXPECT_EQ(Run({"GETRANGE", "a", "0"}),
            "-ERR wrong number of arguments for 'getrange' command\r\n");
  EXPECT_EQ(Run({"EXISTS", "a", "b"}), ":0\r\n");  // nothing was written
}

TEST_F(MultiStringCmdsTest, MSetNxIsAllOrNothing) {
  EXPECT_EQ(Run({"MSETNX", "a", "1", "b", "2"}), ":1\r\n");
  EXPECT_EQ(Run({"MSETNX", "c", "3", "b", "9"}), ":0\r\n");
  EXPECT_EQ(Run({"MGET", "a", "b", "c"}), "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n");
  EXPECT_EQ(Run({"MSETNX", "x", "1", "x", "2"}), ":1\r\n");  // duplicates: the last value wins
  EXPECT_EQ(Run({"GET", "x"}), "$1\r\n2\r\n");
  // A refused MSETNX leaves the TTLs alone; an expired key counts as absent.
  EXPECT_EQ(Run({"SET", "t", "v", "PX", "100"}), "+OK\r\n");
  EXPECT_EQ(Run({"MSETNX", "t", "w", "u", "1"}), ":0\r\n");
  EXPECT_EQ(Run({"PTTL", "t"}), ":100\r\n");
  AdvanceTime(101);
  EXPECT_EQ(Run({"MSETNX", "t", "w", "u", "1"}), ":1\r\n");
  EXPECT_EQ(Run({"PTTL", "t"}), ":-1\r\n");
}

// MGET and GETRANGE are read lookups (hits/misses per key); MSETNX's checks are write lookups.
TEST_F(MultiStringCmdsTest, KeyspaceStats) {
  Run({"MSET", "a", "1", "b", "2"});
  const Stats before = shard_.stats();
  Run({"MGET", "a", "nope", "b"});
  Run({"GETRANGE", "a", "0", "-1"});
  Run({"GETRANGE", "nope", "0", "-1"});
  Run({"GETRANGE", "nope", "x", "-1"});  // parse error: no lookup at all
  Run({"MSETNX", "a", "1", "n", "2"});
  EXPECT_EQ(shard_.stats().keyspace_hits - before.keyspace_hits, 3u);
  EXPECT_EQ(shard_.stats().keyspace_misses - before.keyspace_misses, 2u);
}

TEST_F(MultiStringCmdsTest, MGetNullsFollowTheProtocol) {
  Run({"SET", "a", "1"});
  client_.SetProtocol(3);
  EXPECT_EQ(Run({"MGET", "a", "nope"}), "*2\r\n$1\r\n1\r\n_\r\n");
  AdvanceTime(1);
  Run({"PEXPIRE", "a", "10"});
  AdvanceTime(11);
  EXPECT_EQ(Run({"MGET", "a"}), "*1\r\n_\r\n");
}

// Redis getrangeCommand on "Hello World" (11 bytes).
TEST_F(MultiStringCmdsTest, GetRangeIndexRules) {
  struct Case {
    std::string_view start, end, reply;
  };
  constexpr std::string_view kAll = "$11\r\nHello World\r\n";
  constexpr std::string_view kH = "$1\r\nH\r\n";
  constexpr Case kCases[] = {
      {"0", "3", "$4\r\nHell\r\n"},
      {"-3", "-1", "$3\r\nrld\r\n"},
      {"0", "-1", kAll},
      {"10", "100", "$1\r\nd\r\n"},
      {"-1", "-1", "$1\r\nd\r\n"},
      {"0", "0", kH},
      // Both negative with start > end: empty before any conversion.
      {"-1", "-5", kEmpty},
      {"-5", "-100", kEmpty},
      {"5", "3", kEmpty},
      {"3", "-100", kEmpty},
      {"100", "200", kEmpty},
      // Still negative after conversion: clamped to 0.
      {"-100", "-1", kAll},
      {"-100", "100", kAll},
      {"0", "-12", kH},
      {"-12", "0", kH},
      {"-9223372036854775808", "9223372036854775807", kAll},
      {"-9223372036854775808", "-9223372036854775807", kH},
      {"9223372036854775807", "9223372036854775807", kEmpty},
      // Strict integers (string2ll).
      {"abc", "1", kNotInt},
      {"1", "abc", kNotInt},
      {"1.5", "2", kNotInt},
      {"9223372036854775808", "1", kNotInt},
      {" 1", "2", kNotInt},
      {"+1", "2", kNotInt},
      {"-0", "0", kNotInt},
      {"", "1", kNotInt},
  };
  Run({"SET", "s", "Hello World"});
  for (const Case& c : kCases) {
    EXPECT_EQ(Run({"GETRANGE", "s", c.start, c.end}), c.reply) << c.start << " " << c.end;
  }
}

TEST_F(MultiStringCmdsTest, GetRangeEmptyAndMissing) {
  EXPECT_EQ(Run({"GETRANGE", "nope", "0", "-1"}), kEmpty);  // empty bulk, not null
  client_.SetProtocol(3);
  EXPECT_EQ(Run({"GETRANGE", "nope", "0", "-1"}), kEmpty);
  client_.SetProtocol(2);
  Run({"SET", "e", ""});
  EXPECT_EQ(Run({"GETRANGE", "e", "0", "-1"}), kEmpty);
  EXPECT_EQ(Run({"GETRANGE", "e", "0", "0"}), kEmpty);
  EXPECT_EQ(Run({"GETRANGE", "e", "-5", "-1"}), kEmpty);
  const std::string binary("a\0\r\nb", 5);
  Run({"SET", "b", binary});
  EXPECT_EQ(Run({"GETRANGE", "b", "1", "3"}), "$3\r\n" + binary.substr(1, 3) + "\r\n");
  // The indexes are parsed before the key is looked up.
  EXPECT_EQ(Run({"GETRANGE", "nope", "abc", "-1"}), kNotInt);
}

TEST_F(MultiStringCmdsTest, FromLua) {
  EXPECT_EQ(Run({"EVAL", "return redis.call('msetnx', unpack(KEYS))", "4", "a", "1", "b", "2"}),
            ":1\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('msetnx', unpack(ARGV))", "0", "b", "3"}), ":0\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('mset', unpack(ARGV))", "0", "b", "3"}), "+OK\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('mget', 'a', 'b', 'zz')", "0"}),
            "*3\r\n$1\r\n1\r\n$1\r\n3\r\n$-1\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('getrange', 'b', 0, -1)", "0"}), "$1\r\n3\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('getrange', 'zz', 0, -1)", "0"}), kEmpty);
  EXPECT_EQ(Run({"EVAL", "return redis.pcall('mset', 'a', '1', 'b')", "0"}),
            "-ERR wrong number of arguments for 'mset' command\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('msetnx','a','1','b')", "0"}),
            "-ERR wrong number of arguments for 'msetnx' command script: "
            "df50ce7808e12fdcda321d69455ce6b21711f5d9, on @user_script:1.\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('getrange','a','x','1')", "0"}),
            "-ERR value is not an integer or out of range script: "
            "2e612ce3759a61028c6dddc682f90bca798b4c41, on @user_script:1.\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('mset','a')", "0"}),
            "-ERR Wrong number of args calling Redis command from script script: "
            "ea7aa9a18765bd870547cb0ecf0349440c3b937b, on @user_script:1.\r\n");
  EXPECT_EQ(Run({"EVAL_RO", "return redis.call('mset','a','1')", "0"}),
            "-ERR Write commands are not allowed from read-only scripts. script: "
            "520547406d01f2be6242a5f1249b8cb690495151, on @user_script:1.\r\n");
  EXPECT_EQ(Run({"EVAL_RO", "return redis.call('mget', 'a')", "0"}), "*1\r\n$1\r\n1\r\n");
}

// The undo log saves MSET's keys (positions 1,-1,2), not its values: every key is restored,
// including one that only the third pair names and one that the script created.
TEST_F(MultiStringCmdsTest, AbortedScriptUndoesMSet) {
  script::EngineLimits limits = shard_.lua().limits();
  limits.instruction_limit = 100'000;
  shard_.lua().set_limits(limits);
  Run({"SET", "a", "old-a"});
  Run({"SET", "c", "old-c", "PX", "9000"});
  const std::string reply = Run({"EVAL",
                                 "redis.call('mset', 'a', 'c', 'b', 'x', 'c', 'new') "
                                 "redis.call('msetnx', 'd', 'y', 'e', 'z') while true do end",
                                 "0"});
  EXPECT_EQ(reply.rfind("-ERR Script aborted:", 0), 0u) << reply;
  EXPECT_EQ(Run({"MGET", "a", "b", "c", "d", "e"}),
            "*5\r\n$5\r\nold-a\r\n$-1\r\n$5\r\nold-c\r\n$-1\r\n$-1\r\n");
  EXPECT_EQ(Run({"PTTL", "c"}), ":9000\r\n");
  EXPECT_EQ(Run({"PTTL", "a"}), ":-1\r\n");
}

// bsm/redislock v0.10 obtain.lua (value = token + metadata, tokenLen, ttl) and release.lua.
TEST_F(MultiStringCmdsTest, RedisLockV10ObtainAndRelease) {
  const CompatScript* obtain = FindCompatScript("bsm10_obtain");
  const CompatScript* release = FindCompatScript("bsm10_release");
  ASSERT_NE(obtain, nullptr);
  ASSERT_NE(release, nullptr);
  const std::string body(obtain->body);
  const std::string rel(release->body);
  const std::string obtain_sha(obtain->sha);
  EXPECT_EQ(Run({"EVAL", body, "2", "k1", "k2", "tok1meta", "4", "10000"}), "+OK\r\n");
  EXPECT_EQ(Run({"MGET", "k1", "k2"}), "*2\r\n$8\r\ntok1meta\r\n$8\r\ntok1meta\r\n");
  EXPECT_EQ(Run({"PTTL", "k2"}), ":10000\r\n");
  // Another token: msetnx fails, getrange prefix differs -> false -> nil.
  EXPECT_EQ(Run({"EVAL", body, "2", "k1", "k2", "tok2meta", "4", "10000"}), "$-1\r\n");
  // The same token with other metadata overrides (mset) and refreshes the TTL.
  AdvanceTime(4000);
  EXPECT_EQ(Run({"PTTL", "k1"}), ":6000\r\n");
  EXPECT_EQ(Run({"EVALSHA", obtain_sha, "2", "k1", "k2", "tok1other", "4", "20000"}), "+OK\r\n");
  EXPECT_EQ(Run({"MGET", "k1", "k2"}), "*2\r\n$9\r\ntok1other\r\n$9\r\ntok1other\r\n");
  EXPECT_EQ(Run({"PTTL", "k1"}), ":20000\r\n");
  // A held key plus a free one: getrange of the free key is "" -> nil, the free key stays free.
  EXPECT_EQ(Run({"EVAL", body, "2", "k1", "k3", "tok9meta", "4", "10000"}), "$-1\r\n");
  EXPECT_EQ(Run({"EXISTS", "k3"}), ":0\r\n");
  EXPECT_EQ(Run({"EVAL", rel, "2", "k1", "k2", "tok1meta"}), "$-1\r\n");
  EXPECT_EQ(Run({"EVAL", rel, "2", "k1", "k3", "tok1other"}), "$-1\r\n");  // k3 missing
  EXPECT_EQ(Run({"EVAL", rel, "2", "k1", "k2", "tok1other"}), "+OK\r\n");
  EXPECT_EQ(Run({"EXISTS", "k1", "k2"}), ":0\r\n");
  // After the TTL the lock is free for anyone.
  EXPECT_EQ(Run({"EVAL", body, "1", "k1", "tokAmeta", "4", "50"}), "+OK\r\n");
  AdvanceTime(51);
  EXPECT_EQ(Run({"EVAL", body, "1", "k1", "tokBmeta", "4", "50"}), "+OK\r\n");
}

// The older single-key v0.9 obtain uses GETRANGE to compare the token prefix.
TEST_F(MultiStringCmdsTest, RedisLockV09Obtain) {
  const CompatScript* obtain = FindCompatScript("bsm09_obtain");
  ASSERT_NE(obtain, nullptr);
  const std::string body(obtain->body);
  EXPECT_EQ(Run({"EVAL", body, "1", "k", "tok1meta", "4", "10000"}), "+OK\r\n");
  EXPECT_EQ(Run({"EVAL", body, "1", "k", "tok2meta", "4", "10000"}), "$-1\r\n");
  EXPECT_EQ(Run({"EVAL", body, "1", "k", "tok1more", "4", "30000"}), "+OK\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$8\r\ntok1more\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":30000\r\n");
}

}  // namespace
}  // namespace locknode::command

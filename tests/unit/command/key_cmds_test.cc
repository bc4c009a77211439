// DEL / EXISTS / TYPE / the EXPIRE family / the TTL family / PERSIST. Expected bytes were
// captured from redis-server 7.0.15 (COMPAT.md §3.2-§3.4). ManualClock: mono 1'000'000 ms,
// wall 1'700'000'000'000 ms at the start.

#include <string>

#include "command_fixture.h"

namespace locknode::command {
namespace {

constexpr std::string_view kNotInt = "-ERR value is not an integer or out of range\r\n";
constexpr std::string_view kNxConflict =
    "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
constexpr std::string_view kGtLtConflict =
    "-ERR GT and LT options at the same time are not compatible\r\n";
constexpr int64_t kWallMs = 1'700'000'000'000;

class KeyCmdsTest : public CommandTest {};

TEST_F(KeyCmdsTest, DelCountsRemovedKeysOnce) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"DEL", "k", "k", "nokey"}), ":1\r\n");
  Run({"SET", "a", "1"});
  Run({"SET", "b", "1"});
  EXPECT_EQ(Run({"del", "a", "b"}), ":2\r\n");
  EXPECT_EQ(Run({"DEL", "a"}), ":0\r\n");
  EXPECT_EQ(Run({"DEL"}), "-ERR wrong number of arguments for 'del' command\r\n");
}

TEST_F(KeyCmdsTest, ExistsCountsRepeatedKeys) {
  Run({"SET", "a", "1"});
  EXPECT_EQ(Run({"EXISTS", "a", "a", "b"}), ":2\r\n");
  EXPECT_EQ(Run({"EXISTS", "b"}), ":0\r\n");
  EXPECT_EQ(Run({"EXISTS"}), "-ERR wrong number of arguments for 'exists' command\r\n");
  EXPECT_EQ(shard_.stats().keyspace_hits, 2u);
  EXPECT_EQ(shard_.stats().keyspace_misses, 2u);
}

TEST_F(KeyCmdsTest, TypeIsStatusReply) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"TYPE", "k"}), "+string\r\n");
  EXPECT_EQ(Run({"TYPE", "nokey"}), "+none\r\n");
  EXPECT_EQ(Run({"TYPE"}), "-ERR wrong number of arguments for 'type' command\r\n");
}

TEST_F(KeyCmdsTest, ExpireFlagConflicts) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"PEXPIRE", "k", "100", "nx", "xx"}), kNxConflict);
  EXPECT_EQ(Run({"PEXPIRE", "k", "100", "NX", "GT"}), kNxConflict);
  EXPECT_EQ(Run({"PEXPIRE", "k", "100", "nx", "lt"}), kNxConflict);
  EXPECT_EQ(Run({"PEXPIRE", "k", "100", "gt", "lt"}), kGtLtConflict);
  EXPECT_EQ(Run({"PEXPIRE", "k", "100", "xx", "gt"}), ":0\r\n");  // allowed; no TTL yet
  EXPECT_EQ(Run({"PEXPIRE", "k", "100", "xx", "lt"}), ":0\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":-1\r\n");
}

// The flags are checked before the number (Redis parseExtendedExpireArgumentsOrReply first).
TEST_F(KeyCmdsTest, ExpireUnsupportedOption) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"PEXPIRE", "k", "100", "foo"}), "-ERR Unsupported option foo\r\n");
  EXPECT_EQ(Run({"PEXPIRE", "k", "abc", "foo"}), "-ERR Unsupported option foo\r\n");
  EXPECT_EQ(Run({"PEXPIRE", "k", "abc", "nx", "xx"}), kNxConflict);
  EXPECT_EQ(Run({"PEXPIRE", "k", "100", "Fo\r\no"}), "-ERR Unsupported option Fo  o\r\n");
  EXPECT_EQ(Run({"PEXPIRE", "k", "100", std::string("f\0oo", 4)}), "-ERR Unsupported option f\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "nx", "bogus"}), "-ERR Unsupported option bogus\r\n");
}

TEST_F(KeyCmdsTest, ExpireNumberErrors) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"PEXPIRE", "k", "abc"}), kNotInt);
  EXPECT_EQ(Run({"EXPIRE", "k", "1.5"}), kNotInt);
  EXPECT_EQ(Run({"PEXPIRE", "k", "9223372036854775807"}),
            "-ERR invalid expire time in 'pexpire' command\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "9223372036854775807"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "9223372036854775"}),  // fits *1000, overflows + now
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "-9223372036854776"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(Run({"EXPIREAT", "k", "9223372036854775807"}),
            "-ERR invalid expire time in 'expireat' command\r\n");
  EXPECT_EQ(Run({"PEXPIRE", "k"}), "-ERR wrong number of arguments for 'pexpire' command\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":-1\r\n");
}

TEST_F(KeyCmdsTest, ExpireMissingKeyIsZero) {
  EXPECT_EQ(Run({"PEXPIRE", "nokey", "100"}), ":0\r\n");
  EXPECT_EQ(Run({"PEXPIRE", "nokey", "100", "nx"}), ":0\r\n");
  EXPECT_EQ(Run({"EXPIREAT", "nokey", "1"}), ":0\r\n");
  EXPECT_EQ(Run({"PEXPIRE", "nokey", "-9223372036854775808"}), ":0\r\n");
}

// Zero, negative or past times delete the key and still reply 1 (Redis checkAlreadyExpired).
TEST_F(KeyCmdsTest, PastTimeDeletesAndRepliesOne) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"PEXPIRE", "k", "0"}), ":1\r\n");
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"EXPIRE", "k", "-1", "nx"}), ":1\r\n");
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"EXPIRE", "k", "-9223372036854775"}), ":1\r\n");
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"PEXPIREAT", "k", "-9223372036854775808"}), ":1\r\n");
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"EXPIREAT", "k", "1"}), ":1\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$-1\r\n");
  // GT on a key without TTL fails even for a past time; LT succeeds and deletes.
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"EXPIRE", "k", "-1", "gt"}), ":0\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "-1", "lt"}), ":1\r\n");
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");
}

// The observed Redis session: no TTL counts as infinite for GT/LT.
TEST_F(KeyCmdsTest, NxXxGtLtSemantics) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "gt"}), ":0\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "xx"}), ":0\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "100", "lt"}), ":1\r\n");
  EXPECT_EQ(Run({"TTL", "k"}), ":100\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "200", "lt"}), ":0\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "50", "gt"}), ":0\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "50", "lt"}), ":1\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "50", "lt"}), ":0\r\n");  // equal is not lower
  EXPECT_EQ(Run({"EXPIRE", "k", "50", "gt"}), ":0\r\n");  // nor greater
  EXPECT_EQ(Run({"EXPIRE", "k", "60", "gt"}), ":1\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "70", "nx"}), ":0\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "70", "XX"}), ":1\r\n");
  EXPECT_EQ(Run({"TTL", "k"}), ":70\r\n");
  EXPECT_EQ(Run({"PERSIST", "k"}), ":1\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "70", "xx"}), ":0\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "70", "nx"}), ":1\r\n");
  EXPECT_EQ(Run({"PEXPIRE", "k", "70000", "xx", "gt"}), ":0\r\n");
  EXPECT_EQ(Run({"PEXPIRE", "k", "70001", "xx", "gt"}), ":1\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":70001\r\n");
}

TEST_F(KeyCmdsTest, AbsoluteExpireUsesWallClockOnce) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"PEXPIREAT", "k", std::to_string(kWallMs + 5000)}), ":1\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":5000\r\n");
  EXPECT_EQ(Run({"PEXPIRETIME", "k"}),
            std::string(":").append(std::to_string(kWallMs + 5000)).append("\r\n"));
  EXPECT_EQ(Run({"EXPIRETIME", "k"}),
            std::string(":").append(std::to_string(kWallMs / 1000 + 5)).append("\r\n"));
  EXPECT_EQ(Run({"EXPIREAT", "k", std::to_string(kWallMs / 1000 + 9)}), ":1\r\n");
  EXPECT_EQ(Run({"TTL", "k"}), ":9\r\n");
  EXPECT_EQ(Run({"PEXPIREAT", "k", "9223372036854775807"}), ":1\r\n");
  EXPECT_EQ(Run({"PEXPIRETIME", "k"}), ":9223372036854775807\r\n");
  EXPECT_EQ(Run({"EXPIREAT", "k", "9223372036854775"}), ":1\r\n");
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), ":9223372036854775\r\n");
  clock_.JumpWall(-3'600'000'000);  // a step back moves the reported unix time, not the TTL
  EXPECT_EQ(Run({"EXPIREAT", "k", std::to_string(kWallMs / 1000 + 9)}), ":1\r\n");
  EXPECT_EQ(Run({"TTL", "k"}), ":3609\r\n");
}

TEST_F(KeyCmdsTest, TtlFamilyMissingAndPersistent) {
  EXPECT_EQ(Run({"PTTL", "nokey"}), ":-2\r\n");
  EXPECT_EQ(Run({"TTL", "nokey"}), ":-2\r\n");
  EXPECT_EQ(Run({"PEXPIRETIME", "nokey"}), ":-2\r\n");
  EXPECT_EQ(Run({"EXPIRETIME", "nokey"}), ":-2\r\n");
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"PTTL", "k"}), ":-1\r\n");
  EXPECT_EQ(Run({"TTL", "k"}), ":-1\r\n");
  EXPECT_EQ(Run({"PEXPIRETIME", "k"}), ":-1\r\n");
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), ":-1\r\n");
  EXPECT_EQ(Run({"TTL"}), "-ERR wrong number of arguments for 'ttl' command\r\n");
  EXPECT_EQ(Run({"TTL", "a", "b"}), "-ERR wrong number of arguments for 'ttl' command\r\n");
  EXPECT_EQ(Run({"PTTL"}), "-ERR wrong number of arguments for 'pttl' command\r\n");
}

// TTL rounds to the nearest second: (ms + 500) / 1000 (Redis ttlGenericCommand).
TEST_F(KeyCmdsTest, TtlRoundsToNearestSecond) {
  Run({"SET", "k", "v", "PX", "1500"});
  EXPECT_EQ(Run({"TTL", "k"}), ":2\r\n");
  AdvanceTime(1);
  EXPECT_EQ(Run({"TTL", "k"}), ":1\r\n");  // 1499 ms left (Redis OBSERVED: PX 1500 -> TTL 1)
  Run({"SET", "k", "v", "PX", "499"});
  EXPECT_EQ(Run({"TTL", "k"}), ":0\r\n");
  Run({"SET", "k", "v", "PX", "500"});
  EXPECT_EQ(Run({"TTL", "k"}), ":1\r\n");
}

// PTTL counts down to 0 at the deadline itself, then the key is gone (now > deadline).
TEST_F(KeyCmdsTest, PttlClampsAndLazyExpiryBoundary) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"PEXPIRE", "k", "100"}), ":1\r\n");
  AdvanceTime(99);
  EXPECT_EQ(Run({"PTTL", "k"}), ":1\r\n");
  AdvanceTime(1);
  EXPECT_EQ(Run({"PTTL", "k"}), ":0\r\n");
  EXPECT_EQ(Run({"TTL", "k"}), ":0\r\n");
  EXPECT_EQ(Run({"EXISTS", "k"}), ":1\r\n");
  AdvanceTime(1);
  EXPECT_EQ(Run({"PTTL", "k"}), ":-2\r\n");
  EXPECT_EQ(Run({"PEXPIRE", "k", "100"}), ":0\r\n");
  EXPECT_EQ(Run({"PERSIST", "k"}), ":0\r\n");
}

// Redlock's clock rule: PEXPIRE deadlines live on the monotonic clock.
TEST_F(KeyCmdsTest, WallClockJumpDoesNotChangePexpire) {
  Run({"SET", "lock", "t"});
  EXPECT_EQ(Run({"PEXPIRE", "lock", "10000"}), ":1\r\n");
  clock_.JumpWall(86'400'000'000);
  EXPECT_EQ(Run({"PTTL", "lock"}), ":10000\r\n");
  clock_.JumpWall(-172'800'000'000);
  EXPECT_EQ(Run({"PTTL", "lock"}), ":10000\r\n");
  AdvanceTime(10001);
  EXPECT_EQ(Run({"EXISTS", "lock"}), ":0\r\n");
}

TEST_F(KeyCmdsTest, Persist) {
  EXPECT_EQ(Run({"PERSIST", "nokey"}), ":0\r\n");
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"PERSIST", "k"}), ":0\r\n");
  Run({"PEXPIRE", "k", "100"});
  EXPECT_EQ(Run({"PERSIST", "k"}), ":1\r\n");
  EXPECT_EQ(Run({"PERSIST", "k"}), ":0\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":-1\r\n");
  AdvanceTime(1000);
  EXPECT_EQ(Run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(Run({"PERSIST"}), "-ERR wrong number of arguments for 'persist' command\r\n");
}

// Write lookups (DEL, EXPIRE, PERSIST) leave keyspace_hits/misses alone; TTL/TYPE count.
TEST_F(KeyCmdsTest, OnlyReadLookupsCountHits) {
  Run({"SET", "k", "v"});
  Run({"PEXPIRE", "k", "100000"});
  Run({"PERSIST", "k"});
  Run({"PERSIST", "no"});
  Run({"DEL", "no"});
  EXPECT_EQ(shard_.stats().keyspace_hits + shard_.stats().keyspace_misses, 0u);
  Run({"TTL", "k"});
  Run({"PTTL", "no"});
  Run({"TYPE", "k"});
  Run({"EXPIRETIME", "k"});
  EXPECT_EQ(shard_.stats().keyspace_hits, 3u);
  EXPECT_EQ(shard_.stats().keyspace_misses, 1u);
}

}  // namespace
}  // namespace locknode::command

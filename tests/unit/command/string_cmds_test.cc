// SET / SETNX / SETEX / PSETEX / GET. Expected bytes were captured from redis-server 7.0.15
// (COMPAT.md §3.1-§3.2). Time only moves through the ManualClock: mono starts at 1'000'000 ms,
// wall at 1'700'000'000'000 ms.

#include <string>

#include "command_fixture.h"

namespace locknode::command {
namespace {

constexpr std::string_view kSyntax = "-ERR syntax error\r\n";
constexpr std::string_view kNotInt = "-ERR value is not an integer or out of range\r\n";
constexpr std::string_view kBadSetExpire = "-ERR invalid expire time in 'set' command\r\n";
constexpr int64_t kWallMs = 1'700'000'000'000;

class StringCmdsTest : public CommandTest {};

TEST_F(StringCmdsTest, SetAndGet) {
  EXPECT_EQ(Run({"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(Run({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(Run({"SET", "k", ""}), "+OK\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$0\r\n\r\n");
  const std::string binary("a\0\r\nb", 5);
  EXPECT_EQ(Run({"SET", binary, binary}), "+OK\r\n");
  EXPECT_EQ(Run({"GET", binary}), "$5\r\n" + binary + "\r\n");
}

TEST_F(StringCmdsTest, NullIsSemanticInResp3) {
  client_.SetProtocol(3);
  EXPECT_EQ(Run({"GET", "k"}), "_\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "XX"}), "_\r\n");
}

TEST_F(StringCmdsTest, NxXxConditions) {
  EXPECT_EQ(Run({"SET", "k", "v", "XX"}), "$-1\r\n");
  EXPECT_EQ(Run({"SET", "k", "v1", "nx"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "k", "v2", "NX"}), "$-1\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$2\r\nv1\r\n");
  EXPECT_EQ(Run({"SET", "k", "v3", "xX"}), "+OK\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$2\r\nv3\r\n");
}

TEST_F(StringCmdsTest, RepeatedFlagsAreAllowedLastExpireWins) {
  EXPECT_EQ(Run({"SET", "k", "v", "NX", "NX"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "KEEPTTL", "KEEPTTL"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "GET", "GET"}), "$1\r\nv\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "100", "PX", "200"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":200\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "ex", "10", "ex", "20"}), "+OK\r\n");
  EXPECT_EQ(Run({"TTL", "k"}), ":20\r\n");
}

TEST_F(StringCmdsTest, SyntaxErrors) {
  EXPECT_EQ(Run({"SET", "k", "v", "NX", "XX"}), kSyntax);
  EXPECT_EQ(Run({"SET", "k", "v", "XX", "NX"}), kSyntax);
  EXPECT_EQ(Run({"SET", "k", "v", "KEEPTTL", "PX", "100"}), kSyntax);
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "100", "KEEPTTL"}), kSyntax);
  EXPECT_EQ(Run({"SET", "k", "v", "PX"}), kSyntax);
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "10", "EX"}), kSyntax);
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "10", "PX", "10"}), kSyntax);
  EXPECT_EQ(Run({"SET", "k", "v", "PXAT", "100", "EXAT", "100"}), kSyntax);
  EXPECT_EQ(Run({"SET", "k", "v", "foo"}), kSyntax);
  EXPECT_EQ(Run({"SET", "k", "v", "NXX"}), kSyntax);
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");  // nothing was written by any of them
}

// Syntax is checked before the expire value is parsed (Redis parses options first).
TEST_F(StringCmdsTest, SyntaxErrorBeatsNumberError) {
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "abc", "NX", "XX"}), kSyntax);
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "abc", "foo"}), kSyntax);
  // The token after EX is its value, whatever it says.
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "EX"}), kNotInt);
}

TEST_F(StringCmdsTest, OptionsAreCStringsLikeRedis) {
  EXPECT_EQ(Run({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", std::string("NX\0x", 4)}), "$-1\r\n");
}

TEST_F(StringCmdsTest, ExpireValueErrors) {
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "abc"}), kNotInt);
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "1.5"}), kNotInt);
  EXPECT_EQ(Run({"SET", "k", "v", "px", "01"}), kNotInt);
  EXPECT_EQ(Run({"SET", "k", "v", "px", "+1"}), kNotInt);
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "99999999999999999999"}), kNotInt);
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "0"}), kBadSetExpire);
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "-1"}), kBadSetExpire);
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "0"}), kBadSetExpire);
  EXPECT_EQ(Run({"SET", "k", "v", "EXAT", "0"}), kBadSetExpire);
  EXPECT_EQ(Run({"SET", "k", "v", "PXAT", "-5"}), kBadSetExpire);
  // The expire is validated before GET reads anything.
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "0", "GET"}), kBadSetExpire);
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");
}

// EX*1000 overflow, and relative times that overflow once Redis adds the wall-clock "now".
TEST_F(StringCmdsTest, ExpireOverflow) {
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "9223372036854775807"}), kBadSetExpire);
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "9223372036854775807"}), kBadSetExpire);
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "9223372036854776"}), kBadSetExpire);
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "9223372036854775"}), kBadSetExpire);  // + now overflows
  EXPECT_EQ(Run({"SET", "k", "v", "EXAT", "9223372036854775807"}), kBadSetExpire);
  // The exact boundary: INT64_MAX - wall_ms is still accepted.
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "9223370336854775808"}), kBadSetExpire);
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "9223370336854775807"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":9223370336854775807\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "9223370000000000000"}), "+OK\r\n");
}

TEST_F(StringCmdsTest, AbsoluteExpireConvertsWallTimeOnce) {
  const std::string at = std::to_string(kWallMs + 5000);
  EXPECT_EQ(Run({"SET", "k", "v", "PXAT", at}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":5000\r\n");
  EXPECT_EQ(Run({"PEXPIRETIME", "k"}), ":" + at + "\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "EXAT", std::to_string(kWallMs / 1000 + 7)}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":7000\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "EXAT", "9223372036854775"}), "+OK\r\n");
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), ":9223372036854775\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "PXAT", "9223372036854775807"}), "+OK\r\n");
  EXPECT_EQ(Run({"PEXPIRETIME", "k"}), ":9223372036854775807\r\n");
  EXPECT_EQ(Run({"EXPIRETIME", "k"}), ":9223372036854776\r\n");
}

TEST_F(StringCmdsTest, PastAbsoluteExpireSetsAndDeletes) {
  EXPECT_EQ(Run({"SET", "k", "old"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "PXAT", "1"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":-2\r\n");
  EXPECT_EQ(Run({"SET", "k", "v1"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "PXAT", "1", "GET"}), "$2\r\nv1\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$-1\r\n");
}

// The condition decides before a past deadline deletes anything (OBSERVED on 7.0.15).
TEST_F(StringCmdsTest, PastAbsoluteExpireRespectsNxXx) {
  EXPECT_EQ(Run({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "k", "v2", "EXAT", "1", "NX"}), "$-1\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(Run({"SET", "k", "v2", "PXAT", "1", "XX"}), "+OK\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(Run({"SET", "k", "v2", "PXAT", "1", "XX"}), "$-1\r\n");
}

TEST_F(StringCmdsTest, GetNxPxAcquiresAndRepliesNull) {
  EXPECT_EQ(Run({"SET", "k", "v2", "PX", "100", "GET", "NX"}), "$-1\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":100\r\n");
  EXPECT_EQ(Run({"SET", "k", "v3", "XX", "KEEPTTL", "GET"}), "$2\r\nv2\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":100\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$2\r\nv3\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "Px", "5", "pX", "10"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":10\r\n");
}

TEST_F(StringCmdsTest, GetOptionRepliesOldValueWhetherOrNotSet) {
  EXPECT_EQ(Run({"SET", "k", "v1"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "k", "v2", "NX", "GET"}), "$2\r\nv1\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$2\r\nv1\r\n");
  EXPECT_EQ(Run({"SET", "k", "v2", "XX", "GET"}), "$2\r\nv1\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$2\r\nv2\r\n");
  EXPECT_EQ(Run({"SET", "nokey", "v2", "XX", "GET"}), "$-1\r\n");
  EXPECT_EQ(Run({"EXISTS", "nokey"}), ":0\r\n");
  EXPECT_EQ(Run({"SET", "nokey2", "v2", "get"}), "$-1\r\n");
  EXPECT_EQ(Run({"GET", "nokey2"}), "$2\r\nv2\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "KEEPTTL", "GET", "NX"}), "$2\r\nv2\r\n");
}

TEST_F(StringCmdsTest, TtlClearedByPlainSetKeptByKeepttl) {
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "5000"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "k", "v2", "KEEPTTL"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":5000\r\n");
  EXPECT_EQ(Run({"SET", "k", "v2", "XX", "PX", "3000"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":3000\r\n");
  EXPECT_EQ(Run({"SET", "k", "v3"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":-1\r\n");
}

// The lock acquire path: SET NX PX, then lazy expiry exactly at Redis's boundary (now > when).
TEST_F(StringCmdsTest, LockExpiresLazilyAfterDeadline) {
  EXPECT_EQ(Run({"SET", "lock", "token", "NX", "PX", "100"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "lock", "other", "NX", "PX", "100"}), "$-1\r\n");
  AdvanceTime(100);
  EXPECT_EQ(Run({"PTTL", "lock"}), ":0\r\n");
  EXPECT_EQ(Run({"GET", "lock"}), "$5\r\ntoken\r\n");
  EXPECT_EQ(Run({"SET", "lock", "other", "NX", "PX", "100"}), "$-1\r\n");
  AdvanceTime(1);
  EXPECT_EQ(Run({"GET", "lock"}), "$-1\r\n");
  EXPECT_EQ(Run({"PTTL", "lock"}), ":-2\r\n");
  EXPECT_EQ(Run({"SET", "lock", "other", "NX", "PX", "100"}), "+OK\r\n");
}

// Redlock's clock rule: a PX lock is measured on the monotonic clock only.
TEST_F(StringCmdsTest, WallClockJumpDoesNotChangePxLock) {
  EXPECT_EQ(Run({"SET", "lock", "t", "NX", "PX", "10000"}), "+OK\r\n");
  clock_.JumpWall(3'600'000'000);  // NTP step forward by one hour
  EXPECT_EQ(Run({"PTTL", "lock"}), ":10000\r\n");
  clock_.JumpWall(-7'200'000'000);  // and back past the start
  EXPECT_EQ(Run({"PTTL", "lock"}), ":10000\r\n");
  AdvanceTime(10000);
  EXPECT_EQ(Run({"GET", "lock"}), "$1\r\nt\r\n");
  AdvanceTime(1);
  EXPECT_EQ(Run({"GET", "lock"}), "$-1\r\n");
}

// A PXAT deadline is fixed when converted: a later wall jump moves PEXPIRETIME, not the TTL.
TEST_F(StringCmdsTest, WallClockJumpAfterPxatKeepsRemainingTime) {
  EXPECT_EQ(Run({"SET", "k", "v", "PXAT", std::to_string(kWallMs + 5000)}), "+OK\r\n");
  clock_.JumpWall(60'000'000);
  EXPECT_EQ(Run({"PTTL", "k"}), ":5000\r\n");
  EXPECT_EQ(Run({"PEXPIRETIME", "k"}),
            std::string(":").append(std::to_string(kWallMs + 65000)).append("\r\n"));
}

TEST_F(StringCmdsTest, SetNx) {
  EXPECT_EQ(Run({"SETNX", "a", "1"}), ":1\r\n");
  EXPECT_EQ(Run({"setnx", "a", "2"}), ":0\r\n");
  EXPECT_EQ(Run({"GET", "a"}), "$1\r\n1\r\n");
  EXPECT_EQ(Run({"SETNX", "a"}), "-ERR wrong number of arguments for 'setnx' command\r\n");
  EXPECT_EQ(Run({"SETNX", "a", "b", "c"}),
            "-ERR wrong number of arguments for 'setnx' command\r\n");
}

TEST_F(StringCmdsTest, SetExAndPSetEx) {
  EXPECT_EQ(Run({"SETEX", "a", "10", "v"}), "+OK\r\n");
  EXPECT_EQ(Run({"TTL", "a"}), ":10\r\n");
  EXPECT_EQ(Run({"GET", "a"}), "$1\r\nv\r\n");
  EXPECT_EQ(Run({"PSETEX", "a", "1500", "w"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "a"}), ":1500\r\n");
  EXPECT_EQ(Run({"GET", "a"}), "$1\r\nw\r\n");
}

TEST_F(StringCmdsTest, SetExErrors) {
  const std::string_view bad_setex = "-ERR invalid expire time in 'setex' command\r\n";
  const std::string_view bad_psetex = "-ERR invalid expire time in 'psetex' command\r\n";
  EXPECT_EQ(Run({"SETEX", "a", "0", "v"}), bad_setex);
  EXPECT_EQ(Run({"SETEX", "a", "-1", "v"}), bad_setex);
  EXPECT_EQ(Run({"SETEX", "a", "abc", "v"}), kNotInt);
  EXPECT_EQ(Run({"SETEX", "a", "9223372036854775", "v"}), bad_setex);
  EXPECT_EQ(Run({"PSETEX", "a", "0", "v"}), bad_psetex);
  EXPECT_EQ(Run({"psetex", "a", "9223372036854775807", "v"}), bad_psetex);
  EXPECT_EQ(Run({"SETEX", "a", "10"}), "-ERR wrong number of arguments for 'setex' command\r\n");
  EXPECT_EQ(Run({"PSETEX", "a", "10", "v", "x"}),
            "-ERR wrong number of arguments for 'psetex' command\r\n");
  EXPECT_EQ(Run({"EXISTS", "a"}), ":0\r\n");
}

TEST_F(StringCmdsTest, GetArity) {
  EXPECT_EQ(Run({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(Run({"GET", "a", "b"}), "-ERR wrong number of arguments for 'get' command\r\n");
}

// INFO keyspace_hits/misses: read lookups count (GET, SET ... GET), write lookups do not.
TEST_F(StringCmdsTest, KeyspaceHitsAndMisses) {
  Run({"SET", "k", "v"});
  Run({"GET", "k"});
  Run({"GET", "no"});
  Run({"SET", "k", "v", "GET"});
  Run({"SET", "n2", "v", "GET"});
  Run({"SETNX", "k", "v"});
  EXPECT_EQ(shard_.stats().keyspace_hits, 2u);
  EXPECT_EQ(shard_.stats().keyspace_misses, 2u);
}

}  // namespace
}  // namespace locknode::command

#include "locknode/base/strings.h"

#include <gtest/gtest.h>

#include "locknode/base/clock.h"
#include "locknode/base/config.h"

namespace locknode {
namespace {

TEST(ParseInt64, AcceptsWhatRedisString2llAccepts) {
  EXPECT_EQ(ParseInt64("0"), 0);
  EXPECT_EQ(ParseInt64("7"), 7);
  EXPECT_EQ(ParseInt64("-1"), -1);
  EXPECT_EQ(ParseInt64("30000"), 30000);
  EXPECT_EQ(ParseInt64("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseInt64("-9223372036854775808"), INT64_MIN);
}

TEST(ParseInt64, RejectsWhatRedisString2llRejects) {
  for (const char* bad :
       {"", "-", "+1", " 1", "1 ", "01", "-0", "00", "1.5", "abc", "1e3", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999", "123456789012345678901"}) {
    EXPECT_FALSE(ParseInt64(bad).has_value()) << bad;
  }
}

TEST(Strings, CaseFolding) {
  EXPECT_TRUE(EqualsIgnoreCase("SeT", "set"));
  EXPECT_FALSE(EqualsIgnoreCase("set", "sex"));
  EXPECT_FALSE(EqualsIgnoreCase("set", "sets"));
  char buf[8];
  EXPECT_EQ(ToLowerAscii("PExpire", buf), "pexpire");
  EXPECT_EQ(IntText(-42).view, "-42");
  EXPECT_EQ(IntText(INT64_MIN).view, "-9223372036854775808");
}

TEST(ManualClock, WallJumpLeavesMonotonicAlone) {
  ManualClock clock(100, 5'000'000);
  clock.Advance(10);
  EXPECT_EQ(clock.NowMs(), 110);
  EXPECT_EQ(clock.WallUs(), 5'010'000);
  clock.JumpWall(-3'600'000'000LL);
  EXPECT_EQ(clock.NowMs(), 110);
  EXPECT_EQ(clock.WallUs(), 5'010'000 - 3'600'000'000LL);
}

TEST(Config, EntriesNameEveryOptionOnce) {
  Config config;
  config.port = 7000;
  const auto entries = ConfigEntries(config);
  int ports = 0;
  for (const auto& [name, value] : entries) {
    if (name == "port") {
      ++ports;
      EXPECT_EQ(value, "7000");
    }
  }
  EXPECT_EQ(ports, 1);
}

}  // namespace
}  // namespace locknode

#include "locknode/keyspace/keyspace.h"

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace locknode::keyspace {
namespace {

using namespace std::string_view_literals;

constexpr Millis kT = 1'000'000;

class KeyspaceTest : public ::testing::Test {
 protected:
  bool Set(std::string_view k, std::string_view v, SetCond c = SetCond::kAlways,
           TtlMode t = TtlMode::kClear, Millis deadline = kNoDeadline) {
    return ks_.Set(k, v, c, t, deadline, now_);
  }
  std::optional<std::string> Get(std::string_view k) {
    auto e = ks_.Find(k, now_);
    if (!e) return std::nullopt;
    return std::string(e->value);
  }
  Millis DeadlineOf(std::string_view k) { return ks_.Find(k, now_).value().deadline; }

  Millis now_ = kT;
  Keyspace ks_{kT};
};

TEST_F(KeyspaceTest, PlainSetGetErase) {
  EXPECT_FALSE(ks_.Exists("a", now_));
  EXPECT_TRUE(Set("a", "1"));
  EXPECT_EQ(Get("a"), "1");
  EXPECT_EQ(DeadlineOf("a"), kNoDeadline);
  EXPECT_EQ(ks_.size(), 1u);
  EXPECT_EQ(ks_.expires_count(), 0u);
  EXPECT_TRUE(ks_.Erase("a", now_));
  EXPECT_FALSE(ks_.Erase("a", now_));
  EXPECT_EQ(ks_.size(), 0u);
}

TEST_F(KeyspaceTest, ConditionsNxXx) {
  EXPECT_FALSE(Set("k", "v", SetCond::kIfPresent));  // XX on a missing key
  EXPECT_FALSE(ks_.Exists("k", now_));
  EXPECT_TRUE(Set("k", "v1", SetCond::kIfAbsent));
  EXPECT_FALSE(Set("k", "v2", SetCond::kIfAbsent));  // NX on a present key: unchanged
  EXPECT_EQ(Get("k"), "v1");
  EXPECT_TRUE(Set("k", "v3", SetCond::kIfPresent));
  EXPECT_EQ(Get("k"), "v3");
}

TEST_F(KeyspaceTest, NxSucceedsOnExpiredKey) {
  EXPECT_TRUE(Set("k", "old", SetCond::kIfAbsent, TtlMode::kAt, kT + 10));
  now_ = kT + 11;
  EXPECT_TRUE(Set("k", "new", SetCond::kIfAbsent, TtlMode::kAt, kT + 100));
  EXPECT_EQ(Get("k"), "new");
  EXPECT_EQ(ks_.expired_total(), 1u);
  EXPECT_EQ(ks_.expires_count(), 1u);
  now_ = kT + 101;
  EXPECT_FALSE(Set("k", "x", SetCond::kIfPresent));  // XX on an expired key fails
}

// Every (cond, ttl) pair against a missing, a persistent and a volatile key.
TEST_F(KeyspaceTest, EveryCondAndTtlCombination) {
  const SetCond conds[] = {SetCond::kAlways, SetCond::kIfAbsent, SetCond::kIfPresent};
  const TtlMode ttls[] = {TtlMode::kClear, TtlMode::kKeep, TtlMode::kAt};
  enum Prior { kMissing, kPersistent, kVolatile };
  for (SetCond c : conds) {
    for (TtlMode t : ttls) {
      for (Prior p : {kMissing, kPersistent, kVolatile}) {
        SCOPED_TRACE(testing::Message() << int(c) << "/" << int(t) << "/" << int(p));
        ks_.Clear();
        if (p == kPersistent) Set("k", "old");
        if (p == kVolatile) Set("k", "old", SetCond::kAlways, TtlMode::kAt, kT + 500);
        const bool present = p != kMissing;
        const bool should = c == SetCond::kAlways || (c == SetCond::kIfAbsent) == !present;
        EXPECT_EQ(Set("k", "newval", c, t, kT + 900), should);
        if (!should) {
          EXPECT_EQ(Get("k"), present ? std::optional<std::string>("old") : std::nullopt);
          continue;
        }
        EXPECT_EQ(Get("k"), "newval");
        Millis want = kNoDeadline;
        if (t == TtlMode::kAt) want = kT + 900;
        if (t == TtlMode::kKeep && p == kVolatile) want = kT + 500;
        EXPECT_EQ(DeadlineOf("k"), want);
        EXPECT_EQ(ks_.expires_count(), want == kNoDeadline ? 0u : 1u);
        EXPECT_EQ(ks_.NextDeadline().has_value(), want != kNoDeadline);
      }
    }
  }
}

TEST_F(KeyspaceTest, LazyExpiryBoundary) {
  Set("k", "v", SetCond::kAlways, TtlMode::kAt, kT + 100);
  now_ = kT + 100;  // now == deadline: still live (Redis: expired iff now > when)
  EXPECT_EQ(Get("k"), "v");
  EXPECT_EQ(ks_.size(), 1u);
  now_ = kT + 101;
  EXPECT_EQ(Get("k"), std::nullopt);
  EXPECT_EQ(ks_.size(), 0u);  // removed on the lookup
  EXPECT_EQ(ks_.expires_count(), 0u);
  EXPECT_EQ(ks_.expired_total(), 1u);
  EXPECT_EQ(ks_.NextDeadline(), std::nullopt);  // its wheel hook was cancelled
}

TEST_F(KeyspaceTest, SetWithPastDeadlineDeletesButSucceeds) {
  Set("k", "v");
  EXPECT_TRUE(Set("k", "w", SetCond::kAlways, TtlMode::kAt, kT));  // deadline == now
  EXPECT_FALSE(ks_.Exists("k", now_));
  EXPECT_TRUE(Set("m", "w", SetCond::kIfAbsent, TtlMode::kAt, kT - 5));
  EXPECT_EQ(ks_.size(), 0u);
  EXPECT_EQ(ks_.expired_total(), 0u);  // explicit deletion, not expiry
}

TEST_F(KeyspaceTest, OverwriteClearsOldDeadline) {
  Set("k", "v", SetCond::kAlways, TtlMode::kAt, kT + 10);
  Set("k", "longer value");  // plain SET: reallocates (new length) and drops the TTL
  EXPECT_EQ(DeadlineOf("k"), kNoDeadline);
  EXPECT_EQ(ks_.expires_count(), 0u);
  EXPECT_EQ(ks_.NextDeadline(), std::nullopt);
  now_ = kT + 1'000;
  EXPECT_EQ(ks_.ExpireDue(now_, 100), 0u);
  EXPECT_EQ(Get("k"), "longer value");
}

TEST_F(KeyspaceTest, KeepTtlAcrossReallocation) {
  Set("k", "a", SetCond::kAlways, TtlMode::kAt, kT + 50);
  Set("k", "a much longer value than before", SetCond::kAlways, TtlMode::kKeep);
  Set("k", "b", SetCond::kAlways, TtlMode::kKeep);
  EXPECT_EQ(DeadlineOf("k"), kT + 50);
  EXPECT_EQ(ks_.expires_count(), 1u);
  // The re-linked hook of the reallocated entry still reclaims it.
  EXPECT_EQ(ks_.ExpireDue(kT + 51, 10), 1u);
  EXPECT_EQ(ks_.size(), 0u);
  EXPECT_EQ(ks_.expired_total(), 1u);
}

TEST_F(KeyspaceTest, PersistAndSetDeadline) {
  EXPECT_FALSE(ks_.SetDeadline("nope", kT + 5, now_));
  Set("k", "v");
  EXPECT_TRUE(ks_.SetDeadline("k", kT + 5, now_));
  EXPECT_EQ(DeadlineOf("k"), kT + 5);
  EXPECT_EQ(ks_.NextDeadline(), kT + 5);
  EXPECT_TRUE(ks_.SetDeadline("k", kNoDeadline, now_));  // PERSIST
  EXPECT_EQ(DeadlineOf("k"), kNoDeadline);
  EXPECT_EQ(ks_.expires_count(), 0u);
  EXPECT_EQ(ks_.NextDeadline(), std::nullopt);
  EXPECT_TRUE(ks_.SetDeadline("k", kT, now_));  // PEXPIRE k 0: deletes, replies 1
  EXPECT_FALSE(ks_.Exists("k", now_));
  EXPECT_EQ(ks_.expired_total(), 0u);
}

TEST_F(KeyspaceTest, CompareAndDelete) {
  Set("lock", "token-1", SetCond::kIfAbsent, TtlMode::kAt, kT + 30'000);
  EXPECT_EQ(ks_.CompareAndDelete("lock", "token-2", now_), CasResult::kOtherValue);
  EXPECT_EQ(ks_.CompareAndDelete("lock", "token-", now_), CasResult::kOtherValue);
  EXPECT_EQ(ks_.CompareAndDelete("other", "token-1", now_), CasResult::kMissing);
  EXPECT_EQ(ks_.CompareAndDelete("lock", "token-1", now_), CasResult::kDone);
  EXPECT_FALSE(ks_.Exists("lock", now_));
  EXPECT_EQ(ks_.expires_count(), 0u);
  EXPECT_EQ(ks_.NextDeadline(), std::nullopt);
  // An expired lock cannot be released by its old holder.
  Set("lock", "t", SetCond::kAlways, TtlMode::kAt, kT + 1);
  now_ = kT + 2;
  EXPECT_EQ(ks_.CompareAndDelete("lock", "t", now_), CasResult::kMissing);
}

// The expiry timer re-arms only on this report, so it must be raised exactly when
// NextDeadline() moves earlier, and by nothing that only moves it later.
TEST_F(KeyspaceTest, ReportsWhenTheEarliestDeadlineMovesEarlier) {
  EXPECT_FALSE(ks_.TakeEarliestMoved());
  Set("a", "1");  // no deadline
  EXPECT_FALSE(ks_.TakeEarliestMoved());
  Set("b", "1", SetCond::kAlways, TtlMode::kAt, kT + 60'000);  // first deadline
  EXPECT_TRUE(ks_.TakeEarliestMoved());
  EXPECT_FALSE(ks_.TakeEarliestMoved());                        // reading clears it
  Set("c", "1", SetCond::kAlways, TtlMode::kAt, kT + 120'000);  // later: no move
  EXPECT_FALSE(ks_.TakeEarliestMoved());
  const auto before = ks_.NextDeadline();
  ks_.SetDeadline("c", kT + 1'000, now_);  // earlier than b
  EXPECT_TRUE(ks_.TakeEarliestMoved());
  EXPECT_LT(ks_.NextDeadline(), before);
  ks_.Erase("c", now_);  // cancel: the earliest moves later, not reported
  ks_.SetDeadline("b", kNoDeadline, now_);
  EXPECT_FALSE(ks_.TakeEarliestMoved());
  EXPECT_EQ(ks_.NextDeadline(), std::nullopt);
  Set("d", "1", SetCond::kAlways, TtlMode::kAt, kT + 500'000);  // into an empty wheel
  EXPECT_TRUE(ks_.TakeEarliestMoved());
}

TEST_F(KeyspaceTest, CompareAndSetDeadline) {
  Set("lock", "tok", SetCond::kAlways, TtlMode::kAt, kT + 100);
  EXPECT_EQ(ks_.CompareAndSetDeadline("lock", "bad", kT + 500, now_), CasResult::kOtherValue);
  EXPECT_EQ(DeadlineOf("lock"), kT + 100);
  EXPECT_EQ(ks_.CompareAndSetDeadline("lock", "tok", kT + 500, now_), CasResult::kDone);
  EXPECT_EQ(DeadlineOf("lock"), kT + 500);
  now_ = kT + 200;  // past the old deadline, before the new one
  EXPECT_EQ(ks_.ExpireDue(now_, 10), 0u);
  EXPECT_EQ(Get("lock"), "tok");
  EXPECT_EQ(ks_.CompareAndSetDeadline("lock", "tok", now_, now_),
            CasResult::kDone);  // past: deletes
  EXPECT_FALSE(ks_.Exists("lock", now_));
}

TEST_F(KeyspaceTest, ExpireDueReclaimsWithBudget) {
  for (int i = 0; i < 25; ++i) {
    Set(std::string("k").append(std::to_string(i)), "v", SetCond::kAlways, TtlMode::kAt,
        kT + 10 + i % 5);
  }
  Set("persist", "v");
  Set("later", "v", SetCond::kAlways, TtlMode::kAt, kT + 1'000'000);
  EXPECT_EQ(ks_.ExpireDue(kT + 10, 100), 0u);
  EXPECT_EQ(ks_.ExpireDue(kT + 100, 10), 10u);  // == budget: come back for more
  EXPECT_EQ(ks_.size(), 17u);
  EXPECT_EQ(ks_.ExpireDue(kT + 100, 10), 10u);
  EXPECT_EQ(ks_.ExpireDue(kT + 100, 10), 5u);
  EXPECT_EQ(ks_.ExpireDue(kT + 100, 10), 0u);
  EXPECT_EQ(ks_.size(), 2u);
  EXPECT_EQ(ks_.expires_count(), 1u);
  EXPECT_EQ(ks_.expired_total(), 25u);
  ASSERT_TRUE(ks_.NextDeadline().has_value());
  EXPECT_LE(*ks_.NextDeadline(), kT + 1'000'000);
}

TEST_F(KeyspaceTest, BinaryKeysAndValues) {
  const std::string_view k1 = "a\0b"sv;
  const std::string_view k2 = "a\0c"sv;
  const std::string_view v = "\0\xff\0"sv;
  Set(k1, v);
  Set(k2, "");
  EXPECT_EQ(Get(k1), std::string(v));
  EXPECT_EQ(Get(k2), "");
  EXPECT_FALSE(ks_.Exists("a"sv, now_));
  EXPECT_TRUE(Set(""sv, "empty key"));
  EXPECT_EQ(Get(""sv), "empty key");
  EXPECT_EQ(ks_.size(), 3u);
  EXPECT_EQ(ks_.CompareAndDelete(k1, v, now_), CasResult::kDone);
  EXPECT_EQ(ks_.size(), 2u);
}

// used_bytes (what maxmemory limits) follows each entry's block exactly: a lock (12-byte key,
// 36-byte token) is one 72-byte block, a value past the arena's small blocks costs a 32-byte stub
// plus key and value bytes, and reallocation and reclamation give it all back.
TEST_F(KeyspaceTest, UsedBytesFollowsEntries) {
  Set("other", "v");
  const size_t base = ks_.used_bytes();
  const std::string key = "lock:1234567";
  EXPECT_TRUE(Set(key, std::string(36, 't'), SetCond::kIfAbsent, TtlMode::kAt, kT + 10));
  EXPECT_EQ(ks_.used_bytes() - base, 72u);
  Set(key, std::string(5000, 'v'), SetCond::kAlways, TtlMode::kKeep);  // out of line
  EXPECT_EQ(ks_.used_bytes() - base, 32u + key.size() + 5000u);
  EXPECT_EQ(Get(key), std::string(5000, 'v'));
  Set(key, std::string(36, 'u'), SetCond::kAlways, TtlMode::kKeep);  // inline again
  EXPECT_EQ(ks_.used_bytes() - base, 72u);
  EXPECT_EQ(ks_.ExpireDue(kT + 11, 10), 1u);
  EXPECT_EQ(ks_.used_bytes(), base);
}

TEST_F(KeyspaceTest, ClearDropsEverything) {
  Set("a", "1", SetCond::kAlways, TtlMode::kAt, kT + 5);
  Set("b", "2");
  ks_.Clear();
  EXPECT_EQ(ks_.size(), 0u);
  EXPECT_EQ(ks_.expires_count(), 0u);
  EXPECT_EQ(ks_.NextDeadline(), std::nullopt);
  EXPECT_EQ(ks_.ExpireDue(kT + 100, 10), 0u);
  Set("a", "3", SetCond::kAlways, TtlMode::kAt, kT + 5);
  EXPECT_EQ(ks_.ExpireDue(kT + 100, 10), 1u);
}

}  // namespace
}  // namespace locknode::keyspace

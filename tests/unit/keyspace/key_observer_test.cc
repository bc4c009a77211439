// The keyspace tells its observer of every change, whichever call made it: what WATCH, keyspace
// notifications and blocked pops are built on. A change the observer misses is a WATCH that
// fails to abort a transaction, so every mutating call is covered here, and no read reports.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "locknode/keyspace/keyspace.h"

#include "support/fake_object.h"

namespace locknode::keyspace {
namespace {

using test::MakeFake;

constexpr Millis kT = 1'000'000;

class Recorder final : public KeyObserver {
 public:
  void OnKeyChanged(std::string_view key, KeyChange change) override {
    events.emplace_back(std::string(key), change);
  }
  void OnFlush() override { ++flushes; }
  // The events since the last call.
  std::vector<std::pair<std::string, KeyChange>> Take() { return std::exchange(events, {}); }

  std::vector<std::pair<std::string, KeyChange>> events;
  int flushes = 0;
};

using Events = std::vector<std::pair<std::string, KeyChange>>;

class KeyObserverTest : public ::testing::Test {
 protected:
  KeyObserverTest() { ks_.set_observer(&rec_); }
  ~KeyObserverTest() override { ks_.Clear(); }

  bool Set(std::string_view k, std::string_view v, SetCond c = SetCond::kAlways,
           TtlMode t = TtlMode::kClear, Millis deadline = kNoDeadline) {
    return ks_.Set(k, v, c, t, deadline, now_);
  }

  Millis now_ = kT;
  Keyspace ks_{kT};
  Recorder rec_;
};

// A store where no key was live is kCreated (Redis's "new"), over a live key kWritten.
TEST_F(KeyObserverTest, StoresReportCreatedOrWrittenAndFailedConditionsReportNothing) {
  ASSERT_TRUE(Set("k", "token-1", SetCond::kIfAbsent, TtlMode::kAt, kT + 100));
  EXPECT_EQ(rec_.Take(), (Events{{"k", KeyChange::kCreated}}));
  ASSERT_FALSE(Set("k", "token-2", SetCond::kIfAbsent, TtlMode::kAt, kT + 100));
  ASSERT_FALSE(Set("absent", "v", SetCond::kIfPresent));
  EXPECT_TRUE(rec_.Take().empty());
  ASSERT_TRUE(Set("k", "token-2"));  // same length: overwritten in place, still a change
  ASSERT_TRUE(Set("k", "a longer value than before"));
  EXPECT_EQ(rec_.Take(), (Events{{"k", KeyChange::kWritten}, {"k", KeyChange::kWritten}}));
}

TEST_F(KeyObserverTest, ReadsReportNothing) {
  ASSERT_TRUE(Set("k", "v", SetCond::kAlways, TtlMode::kAt, kT + 100));
  rec_.Take();
  EXPECT_TRUE(ks_.Find("k", now_).has_value());
  EXPECT_EQ(ks_.FindTyped("k", ValueKind::kHash, now_).match, Match::kWrongType);
  EXPECT_FALSE(ks_.Exists("missing", now_));
  EXPECT_EQ(ks_.CompareAndDelete("k", "other", now_), CasResult::kOtherValue);
  EXPECT_EQ(ks_.CompareAndSetDeadline("k", "other", kT + 500, now_), CasResult::kOtherValue);
  EXPECT_FALSE(ks_.Erase("missing", now_));
  EXPECT_FALSE(ks_.SetDeadline("missing", kT + 5, now_));
  EXPECT_TRUE(rec_.Take().empty());
}

TEST_F(KeyObserverTest, DeletesAndDeadlinesReportWhatTheyDid) {
  ASSERT_TRUE(Set("a", "v"));
  ASSERT_TRUE(Set("b", "tok"));
  ASSERT_TRUE(Set("c", "tok"));
  ASSERT_TRUE(Set("d", "v"));
  rec_.Take();
  EXPECT_TRUE(ks_.Erase("a", now_));
  EXPECT_EQ(ks_.CompareAndDelete("b", "tok", now_), CasResult::kDone);
  EXPECT_EQ(ks_.CompareAndSetDeadline("c", "tok", kT + 500, now_), CasResult::kDone);
  EXPECT_TRUE(ks_.SetDeadline("c", kNoDeadline, now_));                // PERSIST
  EXPECT_TRUE(ks_.SetDeadline("d", kT, now_));                         // a past deadline deletes
  ASSERT_TRUE(Set("c", "v", SetCond::kAlways, TtlMode::kAt, kT - 1));  // SET ... PXAT past
  ASSERT_TRUE(Set("e", "v", SetCond::kAlways, TtlMode::kAt, kT - 1));  // the same, no key
  EXPECT_EQ(rec_.Take(), (Events{{"a", KeyChange::kDeleted},
                                 {"b", KeyChange::kDeleted},
                                 {"c", KeyChange::kDeadline},
                                 {"c", KeyChange::kDeadline},
                                 {"d", KeyChange::kDeleted},
                                 {"c", KeyChange::kRemovedQuiet},
                                 {"e", KeyChange::kCreated}}));
  EXPECT_FALSE(ks_.Exists("e", now_));
}

// RENAME's source and a replaced destination go without "del": the command names its events.
TEST_F(KeyObserverTest, QuietEraseReportsRemovedQuiet) {
  ASSERT_TRUE(Set("src", "v"));
  rec_.Take();
  EXPECT_TRUE(ks_.Erase("src", now_, KeyChange::kRemovedQuiet));
  EXPECT_FALSE(ks_.Erase("src", now_, KeyChange::kRemovedQuiet));
  EXPECT_FALSE(ks_.Exists("src", now_));
  EXPECT_EQ(rec_.Take(), (Events{{"src", KeyChange::kRemovedQuiet}}));
}

TEST_F(KeyObserverTest, ExpiryReportsExpiredLazilyAndFromTheWheel) {
  ASSERT_TRUE(Set("lazy", "v", SetCond::kAlways, TtlMode::kAt, kT + 10));
  ASSERT_TRUE(Set("wheel", "v", SetCond::kAlways, TtlMode::kAt, kT + 10));
  rec_.Take();
  now_ = kT + 11;
  EXPECT_FALSE(ks_.Find("lazy", now_).has_value());
  EXPECT_EQ(rec_.Take(), (Events{{"lazy", KeyChange::kExpired}}));
  EXPECT_EQ(ks_.ExpireDue(kT + 100, 10), 1u);
  EXPECT_EQ(rec_.Take(), (Events{{"wheel", KeyChange::kExpired}}));
}

TEST_F(KeyObserverTest, ObjectsReportStoreInPlaceChangeAndFlush) {
  ASSERT_TRUE(ks_.SetObject("h", MakeFake(ValueKind::kHash, "x"), SetCond::kAlways, TtlMode::kClear,
                            0, now_));
  const TypedEntry typed = ks_.FindTyped("h", ValueKind::kHash, now_);
  ASSERT_EQ(typed.match, Match::kFound);
  ks_.ObjectChanged("h", *typed.entry.object);
  EXPECT_EQ(rec_.Take(), (Events{{"h", KeyChange::kCreated}, {"h", KeyChange::kWritten}}));
  ks_.Clear();
  EXPECT_EQ(rec_.flushes, 1);
  EXPECT_TRUE(rec_.Take().empty());
}

TEST_F(KeyObserverTest, NoObserverIsFine) {
  ks_.set_observer(nullptr);
  ASSERT_TRUE(Set("k", "v", SetCond::kAlways, TtlMode::kAt, kT + 1));
  now_ = kT + 2;
  EXPECT_FALSE(ks_.Exists("k", now_));
  ks_.Clear();
  EXPECT_TRUE(rec_.Take().empty());
  EXPECT_EQ(rec_.flushes, 0);
}

}  // namespace
}  // namespace locknode::keyspace

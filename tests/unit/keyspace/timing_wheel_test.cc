#include "locknode/keyspace/timing_wheel.h"

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace locknode::keyspace {
namespace {

constexpr Millis kStart = 1'000'000;

// The tests' nodes: one array registered in its own HandleSpace, so node i's handle is
// first + i * kStride (consecutive regions cover consecutive handles).
class Nodes {
 public:
  explicit Nodes(size_t n)
      : nodes_(n), first_(space_.AddRange(nodes_.data(), n * sizeof(WheelNode))) {}
  const HandleSpace& space() const { return space_; }
  size_t size() const { return nodes_.size(); }
  Handle h(size_t i) const { return first_ + static_cast<Handle>(i * kStride); }
  size_t index(Handle h) const { return (h - first_) / kStride; }
  WheelNode& operator[](size_t i) { return nodes_[i]; }
  WheelNode& at(Handle h) { return nodes_[index(h)]; }

 private:
  static constexpr size_t kStride = sizeof(WheelNode) / HandleSpace::kGranule;
  HandleSpace space_;
  std::vector<WheelNode> nodes_;
  Handle first_;
};

TEST(TimingWheelTest, EmptyWheelHasNoDeadline) {
  HandleSpace space;
  TimingWheel wheel(kStart, space);
  EXPECT_EQ(wheel.NextDeadline(), std::nullopt);
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_EQ(wheel.Advance(kStart + (Millis{1} << 40), 10, [](Handle) { FAIL(); }), 0u);
}

TEST(TimingWheelTest, DueStrictlyAfterDeadline) {
  Nodes nodes(1);
  TimingWheel wheel(kStart, nodes.space());
  EXPECT_TRUE(wheel.Schedule(nodes.h(0), kStart + 100));
  EXPECT_TRUE(nodes[0].linked());
  EXPECT_EQ(wheel.NextDeadline(), kStart + 100);  // level 0: exact
  int fired = 0;
  auto count = [&](Handle h) {
    EXPECT_EQ(h, nodes.h(0));
    EXPECT_FALSE(nodes.at(h).linked());
    ++fired;
  };
  EXPECT_EQ(wheel.Advance(kStart + 100, 10, count), 0u);  // now == deadline: not due
  EXPECT_EQ(wheel.Advance(kStart + 101, 10, count), 1u);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(nodes[0].deadline, kStart + 100);  // left for the owner
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_EQ(wheel.NextDeadline(), std::nullopt);
}

TEST(TimingWheelTest, PastDeadlineIsDueAtNextAdvance) {
  Nodes nodes(2);
  TimingWheel wheel(kStart, nodes.space());
  EXPECT_TRUE(wheel.Schedule(nodes.h(0), kStart - 50));
  EXPECT_TRUE(wheel.Schedule(nodes.h(1), kStart - 5000));  // earlier still: moves the deadline
  EXPECT_EQ(wheel.NextDeadline(), kStart - 5000);
  EXPECT_EQ(wheel.Advance(kStart, 10, [](Handle) {}), 2u);
}

TEST(TimingWheelTest, ScheduleReportsEarliestMovedEarlier) {
  Nodes nodes(3);
  TimingWheel wheel(kStart, nodes.space());
  EXPECT_TRUE(wheel.Schedule(nodes.h(0), kStart + 10));
  EXPECT_FALSE(wheel.Schedule(nodes.h(1), kStart + 20));
  EXPECT_TRUE(wheel.Schedule(nodes.h(2), kStart + 5));
  wheel.Cancel(nodes.h(2));
  wheel.Cancel(nodes.h(2));  // idempotent
  EXPECT_FALSE(nodes[2].linked());
  EXPECT_EQ(wheel.NextDeadline(), kStart + 10);
  EXPECT_EQ(wheel.size(), 2u);
}

// Replace at every position of a list (first, middle, last, alone): the list stays intact.
TEST(TimingWheelTest, ReplaceTakesOverSlotAndDeadline) {
  Nodes nodes(8);
  TimingWheel wheel(kStart, nodes.space());
  for (size_t i = 0; i < 3; ++i) wheel.Schedule(nodes.h(i), kStart + 70'000);  // one slot
  wheel.Schedule(nodes.h(3), kStart + 90'000'000);                             // alone
  for (size_t i = 0; i < 4; ++i) {
    wheel.Replace(nodes.h(i), nodes.h(i + 4));
    EXPECT_FALSE(nodes[i].linked());
    EXPECT_TRUE(nodes[i + 4].linked());
    EXPECT_EQ(nodes[i + 4].deadline, nodes[i].deadline);
  }
  EXPECT_EQ(wheel.size(), 4u);
  std::set<size_t> got;
  wheel.Advance(kStart + 70'001, 10, [&](Handle h) { got.insert(nodes.index(h)); });
  EXPECT_EQ(got, (std::set<size_t>{4, 5, 6}));
  wheel.Advance(kStart + 90'000'001, 10, [&](Handle h) { got.insert(nodes.index(h)); });
  EXPECT_EQ(got, (std::set<size_t>{4, 5, 6, 7}));
}

TEST(TimingWheelTest, ClearUnlinksEverything) {
  Nodes nodes(100);
  TimingWheel wheel(kStart, nodes.space());
  for (size_t i = 0; i < nodes.size(); ++i) {
    wheel.Schedule(nodes.h(i), kStart - 10 + static_cast<Millis>(i) * 1'000'003);
  }
  wheel.Clear();
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_EQ(wheel.NextDeadline(), std::nullopt);
  for (size_t i = 0; i < nodes.size(); ++i) EXPECT_FALSE(nodes[i].linked());
  EXPECT_EQ(wheel.Advance(kStart + (Millis{1} << 36), 1000, [](Handle) { FAIL(); }), 0u);
}

// The owner's loop (an ExpiryDriver with a perfectly punctual OS timer): sleep until
// NextDeadline()+1, advance, repeat. Every node must fire exactly at deadline+1, including
// ones parked past the 2^32 ms range, and the number of wake-ups must not depend on the gap.
TEST(TimingWheelTest, DriverLoopFiresExactlyOnTimeAcrossAllLevels) {
  const std::vector<Millis> offsets = {
      0,          1,          255,     256,         65'535,          65'536,
      16'777'215, 16'777'216, 1 << 30, (1LL << 32), (1LL << 32) + 7, (1LL << 35) + 3};
  Nodes nodes(offsets.size());
  TimingWheel wheel(kStart, nodes.space());
  for (size_t i = 0; i < nodes.size(); ++i) wheel.Schedule(nodes.h(i), kStart + offsets[i]);
  Millis now = kStart;
  size_t wakeups = 0;
  size_t fired = 0;
  while (std::optional<Millis> next = wheel.NextDeadline()) {
    ASSERT_LT(++wakeups, 200u);  // a ticking wheel would need ~2^35 wake-ups
    now = std::max(now, *next + 1);
    wheel.Advance(now, 1000, [&](Handle h) {
      EXPECT_EQ(nodes.at(h).deadline + 1, now);
      ++fired;
    });
  }
  EXPECT_EQ(fired, nodes.size());
}

TEST(TimingWheelTest, CallbackMayFreeCancelAndSchedule) {
  Nodes nodes(51);
  const size_t late = 50;
  TimingWheel wheel(kStart, nodes.space());
  for (size_t i = 0; i < late; ++i) wheel.Schedule(nodes.h(i), kStart + static_cast<Millis>(i % 3));
  std::set<size_t> seen;
  const size_t n = wheel.Advance(kStart + 10, 1000, [&](Handle h) {
    EXPECT_TRUE(seen.insert(nodes.index(h)).second);
    // The owner frees the handed-over node: scribble over it, so a wheel that still read its
    // links would follow garbage.
    nodes.at(h) = WheelNode{0xA5A5A5A5, 0xA5A5A5A5, 0};
    // Cancel some other still-linked node, and schedule one more past-due node once.
    for (size_t i = 0; i < late; ++i) {
      if (!seen.count(i) && nodes[i].linked()) {
        wheel.Cancel(nodes.h(i));
        break;
      }
    }
    if (!nodes[late].linked() && seen.size() == 1) wheel.Schedule(nodes.h(late), kStart);
  });
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_EQ(n, seen.size());
  EXPECT_GE(n, 25u);  // about half were cancelled by callbacks; `late` was handed over too
  EXPECT_TRUE(seen.count(late));
}

// Property test against a naive model: thousands of random operations under a manual clock.
class WheelModelTest : public ::testing::TestWithParam<uint32_t> {};

Millis RandomOffset(std::mt19937_64& rng) {
  // Spread deadlines over the past, every level, and past the 2^32 ms range.
  static constexpr int kMaxBits[] = {0, 4, 8, 16, 24, 32, 35};
  const int bits = kMaxBits[rng() % 7];
  if (bits == 0) return -static_cast<Millis>(rng() % 5000);
  return static_cast<Millis>(rng() % (uint64_t{1} << bits));
}

Millis RandomJump(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0:
      return 0;
    case 1:
    case 2:
      return static_cast<Millis>(rng() % 4);
    case 3:
    case 4:
      return static_cast<Millis>(rng() % 1000);
    case 5:
      return static_cast<Millis>(rng() % (1 << 20));
    case 6:
      return static_cast<Millis>(rng() % (1LL << 28));
    default:
      return static_cast<Millis>(rng() % (1LL << 34));
  }
}

TEST_P(WheelModelTest, MatchesMultimapModel) {
  std::mt19937_64 rng(GetParam());
  const Millis origin = kStart + static_cast<Millis>(rng() % 100'000);
  Nodes nodes(400);
  TimingWheel wheel(origin, nodes.space());
  std::multimap<Millis, Handle> model;
  std::map<Handle, std::multimap<Millis, Handle>::iterator> where;
  Millis now = origin;
  for (int op = 0; op < 6000; ++op) {
    const uint64_t kind = rng() % 10;
    const Handle node = nodes.h(rng() % nodes.size());
    if (kind < 5 && !nodes.at(node).linked()) {
      const Millis deadline = now + RandomOffset(rng);
      const std::optional<Millis> before = wheel.NextDeadline();
      const bool earlier = wheel.Schedule(node, deadline);
      const std::optional<Millis> after = wheel.NextDeadline();
      EXPECT_EQ(earlier, !before.has_value() || *after < *before);
      where[node] = model.emplace(deadline, node);
    } else if (kind < 7) {
      EXPECT_EQ(nodes.at(node).linked(), where.count(node) == 1);
      wheel.Cancel(node);
      if (auto it = where.find(node); it != where.end()) {
        model.erase(it->second);
        where.erase(it);
      }
    } else {
      now += RandomJump(rng);
      const size_t budget = rng() % 4 == 0 ? SIZE_MAX : rng() % 20;
      const auto due = static_cast<size_t>(std::distance(model.begin(), model.lower_bound(now)));
      const size_t handed = wheel.Advance(now, budget, [&](Handle h) {
        const WheelNode& n = nodes.at(h);
        ASSERT_FALSE(n.linked());
        auto it = where.find(h);
        ASSERT_NE(it, where.end()) << "handed over twice or never scheduled";
        EXPECT_LT(n.deadline, now) << "handed over before its deadline passed";
        EXPECT_EQ(it->second->first, n.deadline);
        model.erase(it->second);
        where.erase(it);
      });
      // Everything due is handed over as soon as the budget allows.
      EXPECT_EQ(handed, std::min(budget, due));
    }
    ASSERT_EQ(wheel.size(), model.size());
    const std::optional<Millis> next = wheel.NextDeadline();
    ASSERT_EQ(next.has_value(), !model.empty());
    if (next) {
      ASSERT_LE(*next, model.begin()->first) << "NextDeadline later than the earliest";
    }
  }
  // Drain: a far jump with an unlimited budget hands over everything left.
  now += Millis{1} << 40;
  wheel.Advance(now, SIZE_MAX, [&](Handle h) { EXPECT_EQ(where.erase(h), 1u); });
  EXPECT_TRUE(where.empty());
  EXPECT_EQ(wheel.size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, WheelModelTest, ::testing::Range<uint32_t>(1, 13));

}  // namespace
}  // namespace locknode::keyspace

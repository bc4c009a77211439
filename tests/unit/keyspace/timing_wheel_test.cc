#include "locknode/keyspace/timing_wheel.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include <gtest/gtest.h>

namespace locknode::keyspace {
namespace {

constexpr Millis kStart = 1'000'000;

TEST(TimingWheelTest, EmptyWheelHasNoDeadline) {
  TimingWheel wheel(kStart);
  EXPECT_EQ(wheel.NextDeadline(), std::nullopt);
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_EQ(wheel.Advance(kStart + (Millis{1} << 40), 10, [](WheelNode*) { FAIL(); }), 0u);
}

TEST(TimingWheelTest, DueStrictlyAfterDeadline) {
  TimingWheel wheel(kStart);
  WheelNode node;
  EXPECT_TRUE(wheel.Schedule(&node, kStart + 100));
  EXPECT_TRUE(node.linked());
  EXPECT_EQ(wheel.NextDeadline(), kStart + 100);  // level 0: exact
  int fired = 0;
  auto count = [&](WheelNode* n) {
    EXPECT_EQ(n, &node);
    EXPECT_FALSE(n->linked());
    ++fired;
  };
  EXPECT_EQ(wheel.Advance(kStart + 100, 10, count), 0u);  // now == deadline: not due
  EXPECT_EQ(wheel.Advance(kStart + 101, 10, count), 1u);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(node.deadline, kStart + 100);  // left for the owner
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_EQ(wheel.NextDeadline(), std::nullopt);
}

TEST(TimingWheelTest, PastDeadlineIsDueAtNextAdvance) {
  TimingWheel wheel(kStart);
  WheelNode a;
  WheelNode b;
  EXPECT_TRUE(wheel.Schedule(&a, kStart - 50));
  EXPECT_TRUE(wheel.Schedule(&b, kStart - 5000));  // earlier still: moves the deadline
  EXPECT_EQ(wheel.NextDeadline(), kStart - 5000);
  EXPECT_EQ(wheel.Advance(kStart, 10, [](WheelNode*) {}), 2u);
}

TEST(TimingWheelTest, ScheduleReportsEarliestMovedEarlier) {
  TimingWheel wheel(kStart);
  WheelNode a;
  WheelNode b;
  WheelNode c;
  EXPECT_TRUE(wheel.Schedule(&a, kStart + 10));
  EXPECT_FALSE(wheel.Schedule(&b, kStart + 20));
  EXPECT_TRUE(wheel.Schedule(&c, kStart + 5));
  wheel.Cancel(&c);
  wheel.Cancel(&c);  // idempotent
  EXPECT_FALSE(c.linked());
  EXPECT_EQ(wheel.NextDeadline(), kStart + 10);
  EXPECT_EQ(wheel.size(), 2u);
}

TEST(TimingWheelTest, ReplaceTakesOverSlotAndDeadline) {
  TimingWheel wheel(kStart);
  WheelNode a;
  WheelNode b;
  wheel.Schedule(&a, kStart + 70'000);
  wheel.Replace(&a, &b);
  EXPECT_FALSE(a.linked());
  EXPECT_TRUE(b.linked());
  EXPECT_EQ(b.deadline, kStart + 70'000);
  std::vector<WheelNode*> got;
  wheel.Advance(kStart + 70'001, 10, [&](WheelNode* n) { got.push_back(n); });
  EXPECT_EQ(got, std::vector<WheelNode*>{&b});
}

TEST(TimingWheelTest, ClearUnlinksEverything) {
  TimingWheel wheel(kStart);
  std::vector<WheelNode> nodes(100);
  for (size_t i = 0; i < nodes.size(); ++i) {
    wheel.Schedule(&nodes[i], kStart - 10 + static_cast<Millis>(i) * 1'000'003);
  }
  wheel.Clear();
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_EQ(wheel.NextDeadline(), std::nullopt);
  for (const WheelNode& n : nodes) EXPECT_FALSE(n.linked());
  EXPECT_EQ(wheel.Advance(kStart + (Millis{1} << 36), 1000, [](WheelNode*) { FAIL(); }), 0u);
}

// The owner's loop (an ExpiryDriver with a perfectly punctual OS timer): sleep until
// NextDeadline()+1, advance, repeat. Every node must fire exactly at deadline+1, including
// ones parked past the 2^32 ms range, and the number of wake-ups must not depend on the gap.
TEST(TimingWheelTest, DriverLoopFiresExactlyOnTimeAcrossAllLevels) {
  TimingWheel wheel(kStart);
  const std::vector<Millis> offsets = {
      0,          1,          255,     256,         65'535,          65'536,
      16'777'215, 16'777'216, 1 << 30, (1LL << 32), (1LL << 32) + 7, (1LL << 35) + 3};
  std::vector<WheelNode> nodes(offsets.size());
  for (size_t i = 0; i < nodes.size(); ++i) wheel.Schedule(&nodes[i], kStart + offsets[i]);
  Millis now = kStart;
  size_t wakeups = 0;
  size_t fired = 0;
  while (std::optional<Millis> next = wheel.NextDeadline()) {
    ASSERT_LT(++wakeups, 200u);  // a ticking wheel would need ~2^35 wake-ups
    now = std::max(now, *next + 1);
    wheel.Advance(now, 1000, [&](WheelNode* n) {
      EXPECT_EQ(n->deadline + 1, now);
      ++fired;
    });
  }
  EXPECT_EQ(fired, nodes.size());
}

TEST(TimingWheelTest, CallbackMayFreeCancelAndSchedule) {
  TimingWheel wheel(kStart);
  std::vector<std::unique_ptr<WheelNode>> nodes;
  for (int i = 0; i < 50; ++i) {
    nodes.push_back(std::make_unique<WheelNode>());
    wheel.Schedule(nodes.back().get(), kStart + i % 3);
  }
  WheelNode late;
  std::set<WheelNode*> seen;
  const size_t n = wheel.Advance(kStart + 10, 1000, [&](WheelNode* node) {
    EXPECT_TRUE(seen.insert(node).second);
    for (auto& p : nodes) {
      if (p.get() == node) p.reset();  // the owner frees the handed-over node
    }
    // Cancel some other still-linked node, and schedule one more past-due node once.
    for (auto& p : nodes) {
      if (p && p->linked()) {
        wheel.Cancel(p.get());
        break;
      }
    }
    if (!late.linked() && seen.size() == 1) wheel.Schedule(&late, kStart);
  });
  EXPECT_EQ(wheel.size(), 0u);
  EXPECT_EQ(n, seen.size());
  EXPECT_GE(n, 25u);  // about half were cancelled by callbacks; `late` was handed over too
  EXPECT_TRUE(seen.count(&late));
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
  TimingWheel wheel(origin);
  std::vector<WheelNode> nodes(400);
  std::multimap<Millis, WheelNode*> model;
  std::map<WheelNode*, std::multimap<Millis, WheelNode*>::iterator> where;
  Millis now = origin;
  for (int op = 0; op < 6000; ++op) {
    const uint64_t kind = rng() % 10;
    WheelNode* node = &nodes[rng() % nodes.size()];
    if (kind < 5 && !node->linked()) {
      const Millis deadline = now + RandomOffset(rng);
      const std::optional<Millis> before = wheel.NextDeadline();
      const bool earlier = wheel.Schedule(node, deadline);
      const std::optional<Millis> after = wheel.NextDeadline();
      EXPECT_EQ(earlier, !before.has_value() || *after < *before);
      where[node] = model.emplace(deadline, node);
    } else if (kind < 7) {
      EXPECT_EQ(node->linked(), where.count(node) == 1);
      wheel.Cancel(node);
      if (auto it = where.find(node); it != where.end()) {
        model.erase(it->second);
        where.erase(it);
      }
    } else {
      now += RandomJump(rng);
      const size_t budget = rng() % 4 == 0 ? SIZE_MAX : rng() % 20;
      const auto due = static_cast<size_t>(std::distance(model.begin(), model.lower_bound(now)));
      const size_t handed = wheel.Advance(now, budget, [&](WheelNode* n) {
        ASSERT_FALSE(n->linked());
        auto it = where.find(n);
        ASSERT_NE(it, where.end()) << "handed over twice or never scheduled";
        EXPECT_LT(n->deadline, now) << "handed over before its deadline passed";
        EXPECT_EQ(it->second->first, n->deadline);
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
  wheel.Advance(now, SIZE_MAX, [&](WheelNode* n) { EXPECT_EQ(where.erase(n), 1u); });
  EXPECT_TRUE(where.empty());
  EXPECT_EQ(wheel.size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, WheelModelTest, ::testing::Range<uint32_t>(1, 13));

}  // namespace
}  // namespace locknode::keyspace

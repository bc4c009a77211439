#include "locknode/net/client_limits.h"

#include <gtest/gtest.h>

namespace locknode::net {
namespace {

constexpr OutputLimits kLimits{/*hard=*/1000, /*soft=*/100, /*soft_ms=*/5000};

TEST(OutputLimitTrackerTest, HardLimitClosesAtOnce) {
  OutputLimitTracker t;
  EXPECT_FALSE(t.Exceeded(999, 0, kLimits));
  EXPECT_TRUE(t.Exceeded(1000, 0, kLimits));  // >= as in Redis
}

TEST(OutputLimitTrackerTest, SoftLimitNeedsAnUnbrokenOverrun) {
  OutputLimitTracker t;
  EXPECT_FALSE(t.Exceeded(100, 1000, kLimits));  // first sighting starts the clock
  EXPECT_FALSE(t.Exceeded(500, 6000, kLimits));  // exactly soft_ms: not yet (Redis: elapsed >)
  EXPECT_TRUE(t.Exceeded(500, 6001, kLimits));
}

TEST(OutputLimitTrackerTest, OneCheckBelowSoftRestartsTheClock) {
  OutputLimitTracker t;
  EXPECT_FALSE(t.Exceeded(200, 0, kLimits));
  EXPECT_FALSE(t.Exceeded(99, 4000, kLimits));
  EXPECT_FALSE(t.Exceeded(200, 8000, kLimits));  // restarted at 8000
  EXPECT_FALSE(t.Exceeded(200, 13000, kLimits));
  EXPECT_TRUE(t.Exceeded(200, 13001, kLimits));
}

TEST(OutputLimitTrackerTest, ZeroMeansOff) {
  OutputLimitTracker t;
  const OutputLimits off{0, 0, 0};
  EXPECT_FALSE(t.Exceeded(size_t{1} << 40, 0, off));
  EXPECT_FALSE(t.Exceeded(size_t{1} << 40, 1'000'000, off));
}

TEST(OutputLimitTrackerTest, FromConfigConvertsSeconds) {
  Config config;
  config.client_output_hard_limit = 10;
  config.client_output_soft_limit = 5;
  config.client_output_soft_seconds = 3;
  const OutputLimits l = OutputLimits::FromConfig(config);
  EXPECT_EQ(l.hard, 10u);
  EXPECT_EQ(l.soft, 5u);
  EXPECT_EQ(l.soft_ms, 3000);
}

TEST(RequestDeadlineTest, RunsFromTheFirstByteNotTheLast) {
  RequestDeadline d;
  EXPECT_FALSE(d.Expired(1'000'000, 10));  // nothing partial
  d.MarkPartial(100);
  d.MarkPartial(150);  // more bytes of the same request: the start stays
  EXPECT_FALSE(d.Expired(110, 10));
  EXPECT_TRUE(d.Expired(111, 10));
  EXPECT_FALSE(d.Expired(111, 0));  // 0 = no deadline
  d.Clear();
  EXPECT_FALSE(d.Expired(10'000, 10));
  d.MarkPartial(200);
  EXPECT_TRUE(d.Expired(211, 10));
}

TEST(PickClientsToEvictTest, BiggestFirstUntilUnder) {
  const std::vector<ClientMemory> clients = {{1, 100}, {2, 500}, {3, 300}, {4, 50}};
  EXPECT_TRUE(PickClientsToEvict(clients, 950).empty());
  EXPECT_TRUE(PickClientsToEvict(clients, 0).empty());  // 0 = off
  EXPECT_EQ(PickClientsToEvict(clients, 949), (std::vector<uint64_t>{2}));
  EXPECT_EQ(PickClientsToEvict(clients, 449), (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(PickClientsToEvict(clients, 10), (std::vector<uint64_t>{2, 3, 1, 4}));
}

TEST(PickClientsToEvictTest, TiesGoToTheNewerClient) {
  const std::vector<ClientMemory> clients = {{7, 100}, {9, 100}, {8, 100}};
  EXPECT_EQ(PickClientsToEvict(clients, 250), (std::vector<uint64_t>{9}));
}

}  // namespace
}  // namespace locknode::net

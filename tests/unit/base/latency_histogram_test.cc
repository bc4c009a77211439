#include "locknode/base/latency_histogram.h"

#include <gtest/gtest.h>

namespace locknode {
namespace {

TEST(LatencyHistogram, EmptyIsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.ValueAtPercentile(50), 0u);
  EXPECT_EQ(h.total(), 0u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram h;
  for (uint64_t v = 0; v < 100; ++v) h.Record(v);
  EXPECT_EQ(h.ValueAtPercentile(50), 49u);  // ceil(0.5 * 100) = 50th value
  EXPECT_EQ(h.ValueAtPercentile(100), 99u);
  EXPECT_EQ(h.ValueAtPercentile(0), 0u);  // at least one value
}

// HdrHistogram at 2 significant figures reports 1000 ns as 1003 (Redis's "p50=1.003").
TEST(LatencyHistogram, TopOfBucketAsHdrHistogram) {
  LatencyHistogram h;
  h.Record(1000);
  EXPECT_EQ(h.ValueAtPercentile(50), 1003u);
  LatencyHistogram g;
  g.Record(5000);
  EXPECT_EQ(g.ValueAtPercentile(99), 5023u);  // Redis: "p99=5.023" for a 5 us command
}

TEST(LatencyHistogram, ResolutionWithinOnePercent) {
  for (uint64_t v = 256; v < LatencyHistogram::kMax; v = v * 3 / 2 + 7) {
    LatencyHistogram h;
    h.Record(v);
    const uint64_t got = h.ValueAtPercentile(50);
    EXPECT_GE(got, v);
    EXPECT_LE(got - v, v / 128) << v;
  }
}

TEST(LatencyHistogram, PercentilesSplitTheRecords) {
  LatencyHistogram h;
  for (int i = 0; i < 990; ++i) h.Record(10);
  for (int i = 0; i < 9; ++i) h.Record(2000);
  h.Record(900000);
  EXPECT_EQ(h.ValueAtPercentile(50), 10u);
  EXPECT_EQ(h.ValueAtPercentile(99), 10u);
  EXPECT_GE(h.ValueAtPercentile(99.9), 2000u);
  EXPECT_LT(h.ValueAtPercentile(99.9), 2020u);
  EXPECT_GE(h.ValueAtPercentile(100), 900000u);
}

TEST(LatencyHistogram, ClampsAtMax) {
  LatencyHistogram h;
  h.Record(LatencyHistogram::kMax * 4);
  EXPECT_LT(h.ValueAtPercentile(100), LatencyHistogram::kMax);
  EXPECT_GE(h.ValueAtPercentile(100), LatencyHistogram::kMax - LatencyHistogram::kMax / 128);
}

}  // namespace
}  // namespace locknode

#include "locknode/base/latency_histogram.h"

#include <cmath>

namespace locknode {

uint64_t LatencyHistogram::TopOf(size_t index) {
  constexpr size_t kLinear = size_t{1} << kLinearBits;
  if (index < kLinear) return index;
  const size_t rest = index - kLinear;
  const int exp = kLinearBits + static_cast<int>(rest >> kSubBits);
  const uint64_t sub = (uint64_t{1} << kSubBits) + (rest & ((size_t{1} << kSubBits) - 1));
  const int shift = exp - kSubBits;
  return ((sub + 1) << shift) - 1;
}

uint64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (total_ == 0) return 0;
  if (percentile > 100) percentile = 100;
  // HdrHistogram (hdr_value_at_percentile): the count to reach is p% of the total rounded to
  // the nearest, at least 1.
  auto wanted =
      static_cast<uint64_t>(std::llround(percentile / 100.0 * static_cast<double>(total_)));
  if (wanted == 0) wanted = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= wanted) return TopOf(i);
  }
  return TopOf(kBuckets - 1);
}

}  // namespace locknode

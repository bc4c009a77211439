#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace locknode {

// A log-linear histogram with the resolution of Redis's HdrHistogram at 2 significant figures
// (latencystats): values 0..255 exactly, above that 128 sub-buckets per power of two, so a
// reported value is at most 1/128 (0.8%) above the recorded one. Values past kMax count as kMax
// (Redis clamps to LATENCY_HISTOGRAM_MAX_VALUE, 1 s in ns, the same way). Record is a few
// instructions (one count-leading-zeros); 3200 counters (25 KiB), so owners allocate one only
// for what is used. Single-threaded.
class LatencyHistogram {
 public:
  static constexpr uint64_t kMax = uint64_t{1} << 30;  // ~1.07e9: 1 s in ns, 12 days in ms

  void Record(uint64_t v) {
    ++counts_[IndexOf(v < kMax ? v : kMax - 1)];
    ++total_;
  }
  uint64_t total() const { return total_; }

  // hdr_value_at_percentile: the highest value equivalent to the one at `percentile` (0..100)
  // of the recorded values, i.e. the top of its bucket; 0 when empty.
  uint64_t ValueAtPercentile(double percentile) const;

 private:
  static constexpr int kLinearBits = 8;  // 0..255 one bucket per value
  static constexpr int kSubBits = 7;     // then 128 buckets per power of two
  static constexpr size_t kBuckets =
      (size_t{1} << kLinearBits) + (30 - kLinearBits) * (size_t{1} << kSubBits);

  static size_t IndexOf(uint64_t v) {
    if (v < (uint64_t{1} << kLinearBits)) return static_cast<size_t>(v);
    const int exp = 63 - std::countl_zero(v);  // >= kLinearBits
    const int shift = exp - kSubBits;
    return (size_t{1} << kLinearBits) + static_cast<size_t>(exp - kLinearBits) * (1u << kSubBits) +
           static_cast<size_t>((v >> shift) - (uint64_t{1} << kSubBits));
  }
  static uint64_t TopOf(size_t index);

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
};

}  // namespace locknode

#pragma once

#include <atomic>
#include <cstdint>

#include "locknode/base/millis.h"

namespace locknode {

// Time source injected everywhere time is read (no globals), so tests drive time by hand.
// Commands take one snapshot per command (Redis commandTimeSnapshot); scripts one per script.
class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic milliseconds since an arbitrary origin. Never goes backwards.
  virtual Millis NowMs() const = 0;
  // Wall-clock microseconds since the Unix epoch. Used only to convert PXAT/EXAT and for TIME.
  virtual int64_t WallUs() const = 0;
  // Monotonic nanoseconds on NowMs()'s origin (NowNs() / 1'000'000 == NowMs()): command
  // durations for INFO commandstats/latencystats and SLOWLOG. A manual clock's ms, scaled.
  virtual int64_t NowNs() const { return NowMs() * 1'000'000; }
};

// The real clock: std::chrono::steady_clock and system_clock.
class SteadyClock final : public Clock {
 public:
  Millis NowMs() const override;
  int64_t WallUs() const override;
  int64_t NowNs() const override;
};

// A clock moved only by the test. Both the monotonic and the wall reading advance together,
// and the wall clock can also be jumped on its own (to model NTP steps). Readable from another
// thread (the lease file's writer reads the clock too), moved by one.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Millis mono_start = 1'000'000, int64_t wall_us_start = 1'700'000'000'000'000)
      : mono_(mono_start), wall_us_(wall_us_start) {}
  Millis NowMs() const override { return mono_.load(std::memory_order_acquire); }
  int64_t WallUs() const override { return wall_us_.load(std::memory_order_acquire); }
  void Advance(Millis ms) {
    mono_.fetch_add(ms, std::memory_order_acq_rel);
    wall_us_.fetch_add(ms * 1000, std::memory_order_acq_rel);
  }
  void JumpWall(int64_t delta_us) { wall_us_.fetch_add(delta_us, std::memory_order_acq_rel); }

 private:
  std::atomic<Millis> mono_;
  std::atomic<int64_t> wall_us_;
};

}  // namespace locknode

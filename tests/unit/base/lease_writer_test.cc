// The lease watermark reserved ahead by the writer thread: grants find it on disk ahead of
// need, wait only when it fell behind, and a granted deadline is never past what is on disk.
#include "locknode/base/lease_writer.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "locknode/base/clock.h"
#include "locknode/base/lease_file.h"

namespace locknode {
namespace {

using namespace std::chrono_literals;

// A disk the test controls: what was last stored "durably", a gate that holds writes (a slow
// disk) and a switch that makes them fail.
class FakeDisk {
 public:
  LeaseWriter::StoreFn Store() {
    return [this](const LeaseRecord& r, std::string* error) {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return open_; });
      if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
      if (fail_) {
        *error = "cannot sync lease file: Input/output error";
        return false;
      }
      watermark_ = r.watermark;
      longest_ = r.longest_ttl;
      ++writes_;
      return true;
    };
  }
  void SetOpen(bool open) {
    {
      std::lock_guard lock(mu_);
      open_ = open;
    }
    cv_.notify_all();
  }
  void SetDelay(std::chrono::milliseconds delay) {
    std::lock_guard lock(mu_);
    delay_ = delay;
  }
  void SetFail(bool fail) {
    std::lock_guard lock(mu_);
    fail_ = fail;
  }
  Millis watermark() {
    std::lock_guard lock(mu_);
    return watermark_;
  }
  Millis longest() {
    std::lock_guard lock(mu_);
    return longest_;
  }
  int writes() {
    std::lock_guard lock(mu_);
    return writes_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = true;
  bool fail_ = false;
  std::chrono::milliseconds delay_{0};
  Millis watermark_ = 0;
  Millis longest_ = 0;
  int writes_ = 0;
};

constexpr Millis kStart = 1'000'000;

TEST(LeaseWriterTest, ReservesAheadOfNeedWithoutAnyGrantWaiting) {
  ManualClock clock(kStart);
  FakeDisk disk;
  LeaseWriter writer(clock, {"boot", kStart, 0}, disk.Store());
  // The first grant of a TTL finds nothing reserved: it is the one that must wait. (Checked
  // before it is noted: once noted, the writer thread may already be reserving.)
  EXPECT_FALSE(writer.Covers(kStart + 5000, 5000));
  writer.NoteGrant(kStart, 5000, 5000);
  std::string error;
  ASSERT_TRUE(writer.WaitCovered(kStart + 5000, 5000, &error)) << error;
  EXPECT_GE(disk.watermark(), kStart + 5000 + LeaseWriter::kLowWaterMs);
  EXPECT_EQ(disk.longest(), 5000);
  // Steady traffic: 2 s of grants every 10 ms, the writer given time between them (a disk
  // that keeps up). Each one is covered on arrival, and the file moves in coarse steps.
  const int writes_before = disk.writes();
  for (int i = 0; i < 200; ++i) {
    writer.Flush();
    clock.Advance(10);
    const Millis now = clock.NowMs();
    writer.NoteGrant(now, 5000, 5000);
    ASSERT_TRUE(writer.Covers(now + 5000, 5000)) << "grant " << i << " would have waited";
  }
  writer.Flush();
  EXPECT_GE(disk.watermark(), clock.NowMs() + 5000 + LeaseWriter::kLowWaterMs);
  EXPECT_LE(disk.watermark(), clock.NowMs() + 5000 + LeaseWriter::kAheadMs);
  const int steps = disk.writes() - writes_before;
  EXPECT_GE(steps, 3);  // 2000 ms of need in steps of at least kAheadMs - kLowWaterMs
  EXPECT_LE(steps, 5);
  EXPECT_EQ(writer.fsyncs(), static_cast<uint64_t>(disk.writes()));
}

TEST(LeaseWriterTest, MovesTheReservationAlongWithTheClockBetweenSparseGrants) {
  ManualClock clock(kStart);
  FakeDisk disk;
  LeaseWriter writer(clock, {"boot", kStart, 0}, disk.Store());
  std::string error;
  writer.NoteGrant(kStart, 3000, 3000);
  ASSERT_TRUE(writer.WaitCovered(kStart + 3000, 3000, &error)) << error;
  // No grant for 2 s of clock: the thread alone keeps the reservation ahead of now + 3000.
  for (int i = 0; i < 4; ++i) {
    clock.Advance(500);
    const Millis need = clock.NowMs() + 3000;
    for (int spin = 0; spin < 200 && disk.watermark() < need + LeaseWriter::kLowWaterMs; ++spin) {
      std::this_thread::sleep_for(5ms);
    }
    EXPECT_GE(disk.watermark(), need + LeaseWriter::kLowWaterMs) << "after " << (i + 1) * 500;
  }
  // So the next sparse grant finds its deadline covered.
  EXPECT_TRUE(writer.Covers(clock.NowMs() + 3000, 3000));
  // Once grants stopped for kActiveMs, the reservation (and the fsyncs) stop too.
  clock.Advance(LeaseWriter::kActiveMs);
  std::this_thread::sleep_for(std::chrono::milliseconds(3 * LeaseWriter::kTickMs));
  const int writes = disk.writes();
  clock.Advance(2000);
  std::this_thread::sleep_for(std::chrono::milliseconds(3 * LeaseWriter::kTickMs));
  EXPECT_EQ(disk.writes(), writes);
  EXPECT_LT(disk.watermark(), clock.NowMs() + 3000);
}

TEST(LeaseWriterTest, AGrantPastTheReservationWaitsForTheDisk) {
  ManualClock clock(kStart);
  FakeDisk disk;
  LeaseWriter writer(clock, {"boot", kStart, 0}, disk.Store());
  disk.SetOpen(false);  // a disk that does not answer yet
  writer.NoteGrant(kStart, 2000, 2000);
  ASSERT_FALSE(writer.Covers(kStart + 2000, 2000));
  std::string error;
  auto granted = std::async(std::launch::async,
                            [&] { return writer.WaitCovered(kStart + 2000, 2000, &error); });
  EXPECT_EQ(granted.wait_for(100ms), std::future_status::timeout) << "granted before the sync";
  EXPECT_EQ(disk.watermark(), 0);
  disk.SetOpen(true);
  ASSERT_TRUE(granted.get()) << error;
  EXPECT_GE(disk.watermark(), kStart + 2000);
  EXPECT_GE(disk.longest(), 2000);
}

TEST(LeaseWriterTest, AFailedWriteRefusesTheWaitingGrantAndIsRetried) {
  ManualClock clock(kStart);
  FakeDisk disk;
  LeaseWriter writer(clock, {"boot", kStart, 0}, disk.Store());
  disk.SetFail(true);
  std::string error;
  writer.NoteGrant(kStart, 1000, 1000);
  EXPECT_FALSE(writer.WaitCovered(kStart + 1000, 1000, &error));
  EXPECT_EQ(error, "cannot sync lease file: Input/output error");
  EXPECT_FALSE(writer.Covers(kStart + 1000, 1000));
  EXPECT_GE(writer.failures(), 1u);
  disk.SetFail(false);  // the disk is back: the next grant gets through
  EXPECT_TRUE(writer.WaitCovered(kStart + 1000, 1000, &error)) << error;
  EXPECT_GE(disk.watermark(), kStart + 1000);
}

// A disk whose syncs take S: the lead widens to 2 S before renewal and a step of at least S, so
// a renewal started at the threshold is on disk before the need reaches it.
TEST(LeaseWriterTest, ASlowDiskWidensTheReservationInsteadOfMakingGrantsWait) {
  ManualClock clock(kStart);
  FakeDisk disk;
  LeaseWriter writer(clock, {"boot", kStart, 0}, disk.Store());
  EXPECT_EQ(writer.ReserveAheadMs(), LeaseWriter::kAheadMs);
  disk.SetDelay(400ms);
  writer.NoteGrant(kStart, 1000, 1000);
  std::string error;
  ASSERT_TRUE(writer.WaitCovered(kStart + 1000, 1000, &error)) << error;
  const Millis ahead = writer.ReserveAheadMs();
  EXPECT_GE(ahead, 2 * 400 + 400);
  EXPECT_LE(ahead, 3 * 2000);  // a loaded machine may add to the 400 ms, not take from it
  // The next renewal reserves that far ahead of the need.
  clock.Advance(1000);
  writer.NoteGrant(clock.NowMs(), 1000, 1000);
  writer.Flush();
  EXPECT_GE(disk.watermark(), clock.NowMs() + 1000 + 2 * 400);
}

// Crash consistency: a grant is answered only once Covers() holds, so at every answer the disk
// already holds a watermark at or past the deadline and a longest TTL at or past the TTL,
// whatever the mix of TTLs, clock jumps and write delays.
TEST(LeaseWriterTest, TheDiskIsNeverBehindAnAnsweredGrant) {
  ManualClock clock(kStart);
  std::atomic<Millis> disk_watermark{kStart};
  std::atomic<Millis> disk_longest{0};
  std::mt19937 rng(7);
  LeaseWriter writer(clock, {"boot", kStart, 0}, [&](const LeaseRecord& r, std::string*) {
    std::this_thread::sleep_for(std::chrono::microseconds(r.watermark % 3 * 500));  // slow disk
    disk_watermark = r.watermark;
    disk_longest = r.longest_ttl;
    return true;
  });
  Millis ttl_in_use = 0;
  int waits = 0;
  for (int i = 0; i < 2000; ++i) {
    clock.Advance(std::uniform_int_distribution<Millis>(0, 40)(rng));
    const Millis now = clock.NowMs();
    const Millis ttl = std::uniform_int_distribution<Millis>(1, 3000)(rng);
    ttl_in_use = std::max(ttl_in_use, ttl);
    writer.NoteGrant(now, ttl_in_use, ttl);
    if (!writer.Covers(now + ttl, ttl)) {
      std::string error;
      ASSERT_TRUE(writer.WaitCovered(now + ttl, ttl, &error)) << error;
      ++waits;
    }
    // The grant is answered here.
    ASSERT_GE(disk_watermark.load(), now + ttl) << "grant " << i;
    ASSERT_GE(disk_longest.load(), ttl) << "grant " << i;
  }
  EXPECT_GT(waits, 0);     // the slow disk did make some grants wait...
  EXPECT_LT(waits, 1000);  // ...but far from all of them
}

}  // namespace
}  // namespace locknode

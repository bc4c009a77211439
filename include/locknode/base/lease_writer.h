#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "locknode/base/clock.h"
#include "locknode/base/lease_file.h"
#include "locknode/base/millis.h"

namespace locknode {

// Keeps the lease watermark of restart safety reserved ahead of the grants, from a background
// thread, so that a grant waits for the disk only when the reservation fell behind (GUIDE §6.3).
//
// The serving thread reports each grant (NoteGrant: "deadlines up to now + ttl_in_use are being
// granted"). Whenever the durable watermark is less than kLowWaterMs past that, the thread
// writes and fdatasyncs a record kAheadMs past it; while grants keep coming (kActiveMs after the
// last one) it also moves the reservation along with the clock on its own, so sparse traffic
// does not fall behind either. A grant is answered only once Covers() is true, i.e. once a
// record covering its deadline and TTL is on disk (fdatasync returned): a crash at any point
// leaves a file at least as late as every granted deadline. When it is not yet covered the
// serving thread blocks in WaitCovered (a "wait", counted by the caller).
//
// Cost: under steady traffic about one write + fdatasync per (kAheadMs - kLowWaterMs) of clock
// time, off the serving thread; a restart's quarantine may be up to kAheadMs longer than the
// remaining life of the last lock granted (and, within kActiveMs of the last grant, runs to
// now + ttl_in_use + kAheadMs at the crash). On a disk whose syncs take S > 250 ms, read
// ReserveAheadMs() (about 3 S) for kAheadMs: a longer lead is the price of not waiting.
// Thread-safety: NoteGrant/Covers/WaitCovered/Flush are called from one serving thread; the
// counters may be read from any thread.
class LeaseWriter {
 public:
  // Durably replaces the record (LeaseFile::Store); runs on the writer thread only.
  using StoreFn = std::function<bool(const LeaseRecord&, std::string*)>;

  // On a disk that syncs fast: a reservation runs kAheadMs past the need and is renewed when
  // less than kLowWaterMs of it is left. A disk whose syncs take S ms gets a renewal at 2 S left
  // and a step of at least S instead (ReserveAheadMs), so the next sync still lands in time.
  static constexpr Millis kAheadMs = 1000;
  static constexpr Millis kLowWaterMs = 500;
  static constexpr Millis kActiveMs = 5000;  // keep moving it this long after the last grant
  static constexpr int kTickMs = 50;         // real ms between the thread's checks meanwhile

  // `durable` is what the file holds now (stored synchronously at startup). `clock` is the
  // serving thread's clock (it must be readable from another thread). Starts the thread.
  LeaseWriter(const Clock& clock, const LeaseRecord& durable, StoreFn store);
  ~LeaseWriter();  // lets a write in flight finish, then joins
  LeaseWriter(const LeaseWriter&) = delete;
  LeaseWriter& operator=(const LeaseWriter&) = delete;

  // True if a deadline with this TTL is covered by what is on disk. Lock-free.
  bool Covers(Millis deadline, Millis ttl) const {
    return deadline <= durable_watermark_.load(std::memory_order_acquire) &&
           ttl <= durable_longest_.load(std::memory_order_acquire);
  }
  // A grant of `ttl` at `now`; `ttl_in_use` (>= ttl) is the longest TTL granted lately, which
  // sets how far ahead to reserve. Asks the thread for a new reservation when the durable one
  // runs low; never blocks on the disk.
  void NoteGrant(Millis now, Millis ttl_in_use, Millis ttl);
  // Blocks until Covers(deadline, ttl), or until a write asked for at or after this call has
  // failed (false, with its error text).
  bool WaitCovered(Millis deadline, Millis ttl, std::string* error);
  // Blocks until every reservation asked for so far is on disk or failed (tests, measurements).
  void Flush();

  Millis durable_watermark() const { return durable_watermark_.load(std::memory_order_acquire); }
  // How far past the need a reservation runs now (kAheadMs unless the disk is slow).
  Millis ReserveAheadMs() {
    std::lock_guard lock(mu_);
    return AheadMs();
  }
  uint64_t fsyncs() const { return fsyncs_.load(std::memory_order_relaxed); }
  uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }

 private:
  void Run();
  // What the file should hold now: the explicit requests plus, while grants keep coming, the
  // reservation moved along with the clock. Called with mu_ held.
  LeaseRecord Target(Millis now) const;
  bool Behind(const LeaseRecord& target) const {
    return target.watermark > durable_.watermark || target.longest_ttl > durable_.longest_ttl;
  }
  void Request(const LeaseRecord& record);  // mu_ held
  // The renewal threshold and the reservation's lead, widened for a slow disk (mu_ held).
  Millis LowWaterMs() const { return std::max(kLowWaterMs, 2 * sync_ms_); }
  Millis AheadMs() const { return LowWaterMs() + std::max(kAheadMs - kLowWaterMs, sync_ms_); }

  const Clock& clock_;
  const StoreFn store_;
  std::mutex mu_;
  std::condition_variable work_cv_;  // the thread waits here for requests
  std::condition_variable done_cv_;  // the serving thread waits here for writes
  LeaseRecord durable_;              // on disk (mu_)
  LeaseRecord wanted_;               // the latest reservation asked for (mu_)
  Millis ttl_in_use_ = 0;            // from the last NoteGrant (mu_)
  Millis last_grant_ = 0;
  bool any_grant_ = false;
  Millis sync_ms_ = 0;        // the slowest recent write + sync, decaying (real ms)
  uint64_t request_seq_ = 0;  // bumped by every request
  uint64_t done_seq_ = 0;     // request_seq_ when the last finished write started
  bool last_failed_ = false;
  std::string last_error_;
  bool stop_ = false;
  std::atomic<Millis> durable_watermark_;
  std::atomic<Millis> durable_longest_;
  std::atomic<uint64_t> fsyncs_{0};
  std::atomic<uint64_t> failures_{0};
  std::thread thread_;  // last: started once everything above is initialised
};

}  // namespace locknode

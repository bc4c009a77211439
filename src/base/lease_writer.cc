// The lease watermark reserved ahead by a background thread (include/locknode/base/lease_writer.h).
#include "locknode/base/lease_writer.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace locknode {

LeaseWriter::LeaseWriter(const Clock& clock, const LeaseRecord& durable, StoreFn store)
    : clock_(clock),
      store_(std::move(store)),
      durable_(durable),
      wanted_(durable),
      durable_watermark_(durable.watermark),
      durable_longest_(durable.longest_ttl),
      thread_([this] { Run(); }) {}

LeaseWriter::~LeaseWriter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_one();
  thread_.join();
}

void LeaseWriter::Request(const LeaseRecord& record) {
  wanted_.watermark = std::max(wanted_.watermark, record.watermark);
  wanted_.longest_ttl = std::max(wanted_.longest_ttl, record.longest_ttl);
  ++request_seq_;
  work_cv_.notify_one();
}

void LeaseWriter::NoteGrant(Millis now, Millis ttl_in_use, Millis ttl) {
  std::lock_guard lock(mu_);
  ttl_in_use_ = std::max(ttl_in_use, ttl);
  last_grant_ = now;
  any_grant_ = true;
  const Millis need = now + ttl_in_use_;
  // Ask only when the reservation runs low and no pending request already covers it: the
  // common grant costs one uncontended lock, no wake-up.
  const bool low = durable_.watermark < need + LowWaterMs() || ttl > durable_.longest_ttl;
  const bool asked = wanted_.watermark >= need + LowWaterMs() && wanted_.longest_ttl >= ttl;
  if (low && !asked) Request({durable_.boot_id, need + AheadMs(), ttl});
}

bool LeaseWriter::WaitCovered(Millis deadline, Millis ttl, std::string* error) {
  std::unique_lock lock(mu_);
  // Always a fresh request: an earlier failure is not this wait's answer (the disk may be back).
  Request({durable_.boot_id, deadline + AheadMs(), ttl});
  const uint64_t seq = request_seq_;
  done_cv_.wait(lock, [&] { return Covers(deadline, ttl) || (done_seq_ >= seq && last_failed_); });
  if (Covers(deadline, ttl)) return true;
  *error = last_error_;
  return false;
}

void LeaseWriter::Flush() {
  std::unique_lock lock(mu_);
  const uint64_t seq = request_seq_;
  done_cv_.wait(lock, [&] { return !Behind(wanted_) || (done_seq_ >= seq && last_failed_); });
}

LeaseRecord LeaseWriter::Target(Millis now) const {
  LeaseRecord target = wanted_;
  target.boot_id = durable_.boot_id;
  if (any_grant_ && now < last_grant_ + kActiveMs) {
    const Millis need = now + ttl_in_use_;
    if (durable_.watermark < need + LowWaterMs()) {
      target.watermark = std::max(target.watermark, need + AheadMs());
    }
  }
  return target;
}

void LeaseWriter::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    const LeaseRecord target = Target(clock_.NowMs());
    if (!Behind(target)) {
      // While grants keep coming, look again every tick to move the reservation along with
      // the clock; when idle, sleep until asked.
      if (any_grant_ && clock_.NowMs() < last_grant_ + kActiveMs) {
        work_cv_.wait_for(lock, std::chrono::milliseconds(kTickMs));
      } else {
        work_cv_.wait(lock);
      }
      continue;
    }
    const uint64_t seq = request_seq_;
    lock.unlock();
    std::string error;
    const auto start = std::chrono::steady_clock::now();
    const bool ok = store_(target, &error);  // the write + fdatasync, off the serving thread
    const Millis took = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
    lock.lock();
    // Real time, not the serving clock: this is the disk's speed, not a deadline. Decays, so
    // one slow sync widens the lead for a while, not for good.
    sync_ms_ = std::max(took, sync_ms_ * 3 / 4);
    if (ok) {
      durable_ = target;
      wanted_.watermark = std::max(wanted_.watermark, target.watermark);
      // Published only now that the record is on disk: Covers() never runs ahead of it.
      durable_watermark_.store(target.watermark, std::memory_order_release);
      durable_longest_.store(target.longest_ttl, std::memory_order_release);
      fsyncs_.fetch_add(1, std::memory_order_relaxed);
    } else {
      failures_.fetch_add(1, std::memory_order_relaxed);
      last_error_ = error;
    }
    last_failed_ = !ok;
    done_seq_ = seq;
    done_cv_.notify_all();
    // A failing disk is not retried in a busy loop: the next try is a tick or a request away.
    if (!ok) work_cv_.wait_for(lock, std::chrono::milliseconds(kTickMs));
  }
}

}  // namespace locknode

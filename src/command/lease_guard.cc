// Restart safety and TTL policy (include/locknode/command/lease_guard.h).
#include "locknode/command/lease_guard.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "command/expire_time.h"

namespace locknode::command {

LeaseGuard::LeaseGuard(const Config& config, const Clock& clock)
    : max_ttl_(config.max_ttl), require_ttl_(config.require_ttl) {
  if (config.lease_file.empty()) {
    if (!config.fencing_keys.empty()) throw LeaseError("fencing-keys needs lease-file");
    return;
  }
  const Millis now = clock.NowMs();
  std::optional<LeaseRecord> previous;
  std::string error;
  if (!file_.Open(config.lease_file, &previous, &error)) throw LeaseError(error);
  record_.boot_id = ReadBootId();
  quarantine_until_ = now;                             // first-ever start: nothing to wait for
  record_.epoch = previous ? previous->epoch + 1 : 1;  // durable below, before serving
  if (previous) {
    record_.longest_ttl = previous->longest_ttl;
    const bool same_boot = !record_.boot_id.empty() && previous->boot_id == record_.boot_id;
    quarantine_until_ = same_boot ? previous->watermark : DeadlineAfter(now, previous->longest_ttl);
  }
  quarantine_ms_ = std::max<Millis>(quarantine_until_ - now, 0);
  // Recorded at once on this boot's clock, so a second crash during the wait keeps it.
  record_.watermark = std::max(quarantine_until_, now);
  if (!file_.Store(record_, &error)) throw LeaseError(error);
  writer_ = std::make_unique<LeaseWriter>(
      clock, record_, [this](const LeaseRecord& r, std::string* e) { return file_.Store(r, e); });
}

LeaseStats LeaseGuard::stats() const {
  LeaseStats s;
  if (!writer_) return s;
  s.fsyncs = writer_->fsyncs() + 1;  // + the startup record
  s.write_errors = writer_->failures();
  s.grant_waits = grant_waits_;
  s.grant_wait_us = grant_wait_us_;
  s.grant_wait_max_us = grant_wait_max_us_;
  s.reserve_ahead_ms = writer_->ReserveAheadMs();
  return s;
}

void LeaseGuard::NoteTtl(Millis ttl, Millis now) {
  if (now - ttl_since_ > LeaseWriter::kActiveMs) {
    ttl_in_use_ = ttl;
    ttl_since_ = now;
  } else {
    ttl_in_use_ = std::max(ttl_in_use_, ttl);
  }
}

bool LeaseGuard::AdmitDeadline(Millis deadline, Millis now, std::string_view command,
                               protocol::ReplySink& reply) {
  if (deadline <= now) return true;  // deletes the key: grants nothing
  const Millis ttl = deadline - now;
  if (ExceedsMaxTtl(ttl)) {
    reply.Error("ERR invalid expire time in '" + std::string(command) + "' command (max-ttl is " +
                std::to_string(max_ttl_) + " ms)");
    return false;
  }
  if (!writer_) return true;
  NoteTtl(ttl, now);
  writer_->NoteGrant(now, ttl_in_use_, ttl);  // keeps the reservation ahead; never blocks
  if (writer_->Covers(deadline, ttl)) return true;
  // The reservation fell behind: the grant waits for the disk (every client does, one thread
  // serves them all), which is what the reservation ahead exists to make rare.
  const auto start = std::chrono::steady_clock::now();
  std::string error;
  const bool ok = writer_->WaitCovered(deadline, ttl, &error);
  const auto waited = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
  ++grant_waits_;
  grant_wait_us_ += static_cast<uint64_t>(waited);
  grant_wait_max_us_ = std::max(grant_wait_max_us_, static_cast<uint64_t>(waited));
  if (!ok) {
    // Granting without the record would make the next restart unsafe; refuse instead.
    reply.Error("ERR restart safety: " + error);
    return false;
  }
  return true;
}

bool LeaseGuard::AdmitNoTtl(protocol::ReplySink& reply) const {
  if (!require_ttl_) return true;
  reply.Error("ERR keys without a TTL are refused (require-ttl yes): give PX or EX");
  return false;
}

void LeaseGuard::ReplyQuarantine(Millis now, protocol::ReplySink& reply) const {
  reply.Error("QUARANTINE this node restarted: lock writes are refused for another " +
              std::to_string(QuarantineRemaining(now)) +
              " ms, until every lock it granted before has expired");
}

}  // namespace locknode::command

// Restart safety and TTL policy (include/locknode/command/lease_guard.h).
#include "locknode/command/lease_guard.h"

#include <algorithm>
#include <optional>
#include <string>

#include "command/expire_time.h"

namespace locknode::command {

LeaseGuard::LeaseGuard(const Config& config, Millis now)
    : max_ttl_(config.max_ttl), require_ttl_(config.require_ttl) {
  if (config.lease_file.empty()) return;
  std::optional<LeaseRecord> previous;
  std::string error;
  if (!file_.Open(config.lease_file, &previous, &error)) throw LeaseError(error);
  record_.boot_id = ReadBootId();
  quarantine_until_ = now;  // first-ever start: nothing to wait for
  if (previous) {
    record_.longest_ttl = previous->longest_ttl;
    const bool same_boot = !record_.boot_id.empty() && previous->boot_id == record_.boot_id;
    quarantine_until_ = same_boot ? previous->watermark : DeadlineAfter(now, previous->longest_ttl);
  }
  // Recorded at once on this boot's clock, so a second crash during the wait keeps it.
  record_.watermark = std::max(quarantine_until_, now);
  if (!file_.Store(record_, &error)) throw LeaseError(error);
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
  if (!file_.is_open() || (deadline <= record_.watermark && ttl <= record_.longest_ttl)) {
    return true;
  }
  LeaseRecord next = record_;
  next.watermark = std::max(record_.watermark, DeadlineAfter(deadline, kHeadroomMs));
  next.longest_ttl = std::max(record_.longest_ttl, ttl);
  std::string error;
  if (!file_.Store(next, &error)) {
    // Granting without the record would make the next restart unsafe; refuse instead.
    reply.Error("ERR restart safety: " + error);
    return false;
  }
  record_ = next;
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

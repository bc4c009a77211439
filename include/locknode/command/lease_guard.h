#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "locknode/base/config.h"
#include "locknode/base/lease_file.h"
#include "locknode/base/millis.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::command {

// The lease file cannot be opened, read or written at startup: the node must not serve.
class LeaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Restart safety and the TTL policy of a lock node (SAFETY.md G3 and F2-F4).
//
// Restart safety (lease-file): a node keeps no keys over a restart, so a node that restarted
// at once could grant a lock that its earlier self granted to someone else and that is still
// held on the other Redlock nodes. The guard writes ahead, before any deadline is granted, a
// watermark no granted deadline exceeds (CLOCK_MONOTONIC, tagged with the boot id). After a
// restart on the same boot the node refuses lock writes until that watermark has passed: an
// exact wait, not a blind delay. After a reboot the old clock is gone; it then waits the
// longest TTL it ever granted, from its start (a reboot takes longer than zero). A first-ever
// start waits for nothing. The file is rewritten only when a grant passes the watermark, and
// then kHeadroomMs beyond it, so steady traffic costs about one write + fdatasync a second.
//
// Limits: keys without a TTL are not covered (require-ttl refuses them); the guarantee is on
// this host's monotonic clock (a clock that jumps or runs fast breaks it, as it breaks every
// TTL); deleting the lease file or moving a node's data to another host drops the memory.
//
// TTL policy: max-ttl rejects, never clamps, longer TTLs (a shortened lease is an early
// expiry: exactly the violation the cap exists to bound); require-ttl refuses writes that
// would leave a key without a TTL.
class LeaseGuard {
 public:
  static constexpr Millis kHeadroomMs = 1000;

  // Opens the lease file (if configured) and works out the quarantine. Throws LeaseError.
  LeaseGuard(const Config& config, Millis now);

  bool restart_safety() const { return file_.is_open(); }
  Millis QuarantineRemaining(Millis now) const {
    return quarantine_until_ > now ? quarantine_until_ - now : 0;
  }
  Millis watermark() const { return record_.watermark; }
  int64_t max_ttl() const { return max_ttl_; }
  bool ExceedsMaxTtl(Millis ttl) const { return max_ttl_ > 0 && ttl > max_ttl_; }

  // A deadline is about to be granted to a key (SET PX, PEXPIRE, extend...). Checks max-ttl
  // and makes the watermark durable first. On refusal replies the error and returns false.
  // `command` is the lower-case name for the error text.
  bool AdmitDeadline(Millis deadline, Millis now, std::string_view command,
                     protocol::ReplySink& reply);
  // A write is about to leave a key without a TTL (SET without PX/EX, SETNX, MSET, PERSIST).
  bool AdmitNoTtl(protocol::ReplySink& reply) const;

  // The refusal during the quarantine ("QUARANTINE ..."), with the time left.
  void ReplyQuarantine(Millis now, protocol::ReplySink& reply) const;

 private:
  int64_t max_ttl_;
  bool require_ttl_;
  LeaseFile file_;
  LeaseRecord record_;  // what the file holds
  Millis quarantine_until_ = 0;
};

}  // namespace locknode::command

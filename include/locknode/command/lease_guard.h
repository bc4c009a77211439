#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "locknode/base/clock.h"
#include "locknode/base/config.h"
#include "locknode/base/lease_file.h"
#include "locknode/base/lease_writer.h"
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
// start waits for nothing. The watermark is reserved ahead of the grants by a background
// thread (base/lease_writer.h), at most kHeadroomMs past now + the longest TTL in recent use,
// so a grant waits for the disk only when that reservation fell behind (the first grant, a
// longer TTL than lately, a disk slower than the reservation's lead); such waits are counted.
//
// Limits: keys without a TTL are not covered (require-ttl refuses them); the guarantee is on
// this host's monotonic clock (a clock that jumps or runs fast breaks it, as it breaks every
// TTL); deleting the lease file or moving a node's data to another host drops the memory.
//
// TTL policy: max-ttl rejects, never clamps, longer TTLs (a shortened lease is an early
// expiry: exactly the violation the cap exists to bound); require-ttl refuses writes that
// would leave a key without a TTL.
// Counters of the lease file, for INFO persistence.
struct LeaseStats {
  uint64_t fsyncs = 0;         // records written + fdatasync'ed since start (the startup one too)
  uint64_t write_errors = 0;   // writes or syncs that failed
  uint64_t grant_waits = 0;    // grants that waited for the disk (the reservation fell behind)
  uint64_t grant_wait_us = 0;  // total time those grants waited
  uint64_t grant_wait_max_us = 0;
  Millis reserve_ahead_ms = 0;  // how far past the need it reserves (wider on a slow disk)
};

class LeaseGuard {
 public:
  // How far past the need (now + the longest TTL in recent use) the watermark is reserved.
  static constexpr Millis kHeadroomMs = LeaseWriter::kAheadMs;

  // Opens the lease file (if configured), works out the quarantine and starts the writer
  // thread, which reads `clock` too. Throws LeaseError.
  LeaseGuard(const Config& config, const Clock& clock);

  bool restart_safety() const { return file_.is_open(); }
  // How long the quarantine at this start was (0: none): INFO # Locks.
  Millis quarantine_ms() const { return quarantine_ms_; }
  Millis QuarantineRemaining(Millis now) const {
    return quarantine_until_ > now ? quarantine_until_ - now : 0;
  }
  // The watermark on disk (every granted deadline is at or before it).
  Millis watermark() const { return writer_ ? writer_->durable_watermark() : record_.watermark; }
  LeaseStats stats() const;  // const: the writer reads under its own lock
  // Blocks until the reservation asked for so far is on disk (tests, measurements).
  void Flush() {
    if (writer_) writer_->Flush();
  }
  int64_t max_ttl() const { return max_ttl_; }
  // This start's number on the lease file (1 for the first), on disk before any command runs;
  // 0 without a lease file.
  int64_t epoch() const { return record_.epoch; }
  bool ExceedsMaxTtl(Millis ttl) const { return max_ttl_ > 0 && ttl > max_ttl_; }

  // A deadline is about to be granted to a key (SET PX, PEXPIRE, extend...). Checks max-ttl
  // and that the watermark on disk covers it, waiting for the writer only if the reservation
  // fell behind. On refusal replies the error and returns false.
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
  void NoteTtl(Millis ttl, Millis now);

  LeaseFile file_;
  LeaseRecord record_;  // what the file held at startup
  Millis quarantine_until_ = 0;
  Millis quarantine_ms_ = 0;
  // The longest TTL granted since ttl_since_; restarts after LeaseWriter::kActiveMs, so one long
  // lock does not stretch every later reservation (and the next quarantine) for good.
  Millis ttl_in_use_ = 0;
  Millis ttl_since_ = 0;
  uint64_t grant_waits_ = 0;
  uint64_t grant_wait_us_ = 0;
  uint64_t grant_wait_max_us_ = 0;
  std::unique_ptr<LeaseWriter> writer_;  // after file_: joined before the file closes
};

}  // namespace locknode::command

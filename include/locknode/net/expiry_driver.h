#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "locknode/base/clock.h"
#include "locknode/base/millis.h"
#include "locknode/keyspace/keyspace.h"

namespace locknode::net {

// The one OS timer that drives the keyspace's timing wheel (GUIDE §2.7). It is armed at
// Keyspace::NextDeadline() and never ticks while no key has a deadline. The wheel only reclaims
// memory (lazy expiry decides replies), so firing late is harmless and firing is budgeted:
// at most kBudget keys per run, then the loop gets the chance to serve I/O before the rest
// (Redis's time-limited active expiry). Single-threaded, like everything on the io_context.
class ExpiryDriver {
 public:
  static constexpr size_t kBudget = 1000;

  ExpiryDriver(boost::asio::io_context& io, keyspace::Keyspace& keyspace, const Clock& clock);

  // Called after every batch of commands: re-arms the timer only when the keyspace reports that
  // its earliest deadline moved (Keyspace::TakeEarliestMoved), since cancels and expiries only
  // ever move it later, which an armed wait survives. O(1).
  void Sync();
  // Cancels the timer for good (shutdown).
  void Stop();

  uint64_t runs() const { return runs_; }

 private:
  // Arms for Keyspace::NextDeadline() unless already armed for it or earlier.
  void Rearm();
  void Arm(Millis deadline, Millis now);
  void Fire();

  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  keyspace::Keyspace& keyspace_;
  const Clock& clock_;
  std::optional<Millis> armed_for_;  // deadline the pending wait serves, if one is pending
  uint64_t generation_ = 0;          // lets a superseded wait recognise itself
  bool continuation_pending_ = false;
  bool stopped_ = false;
  uint64_t runs_ = 0;
};

}  // namespace locknode::net

#include "locknode/net/expiry_driver.h"

#include <algorithm>
#include <chrono>

#include <boost/asio/post.hpp>

namespace locknode::net {

namespace asio = boost::asio;

ExpiryDriver::ExpiryDriver(asio::io_context& io, keyspace::Keyspace& keyspace, const Clock& clock)
    : io_(io), timer_(io), keyspace_(keyspace), clock_(clock) {}

void ExpiryDriver::Sync() {
  if (keyspace_.TakeEarliestMoved()) Rearm();
}

void ExpiryDriver::Rearm() {
  if (stopped_ || continuation_pending_) return;  // a pending run re-arms when it finishes
  const std::optional<Millis> next = keyspace_.NextDeadline();
  if (!next) return;  // an armed wait, if any, finds nothing and lets the timer go idle
  if (armed_for_ && *armed_for_ <= *next) return;
  Arm(*next, clock_.NowMs());
}

void ExpiryDriver::Stop() {
  stopped_ = true;
  armed_for_.reset();
  timer_.cancel();
}

void ExpiryDriver::Arm(Millis deadline, Millis now) {
  // A key is due once now > deadline (Redis keyIsExpired), hence the +1. At least 1 ms even
  // for a past deadline, so a wheel that reports a slot boundary cannot make us spin.
  const Millis delay = std::max<Millis>(1, deadline + 1 - now);
  armed_for_ = deadline;
  const uint64_t generation = ++generation_;
  timer_.expires_after(std::chrono::milliseconds(delay));  // cancels the previous wait
  timer_.async_wait([this, generation](const boost::system::error_code& ec) {
    if (ec || stopped_ || generation != generation_) return;  // superseded or cancelled
    armed_for_.reset();
    Fire();
  });
}

void ExpiryDriver::Fire() {
  ++runs_;
  const size_t expired = keyspace_.ExpireDue(clock_.NowMs(), kBudget);
  if (expired == kBudget) {
    // More may be due: continue after the I/O that is ready now instead of stalling it.
    continuation_pending_ = true;
    asio::post(io_, [this] {
      continuation_pending_ = false;
      if (!stopped_) Fire();
    });
    return;
  }
  Rearm();
}

}  // namespace locknode::net

#include "locknode/net/client_pause.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace locknode::net {

ClientPause::ClientPause(boost::asio::io_context& io, const Clock& clock)
    : clock_(clock), timer_(io) {}

void ClientPause::Pause(Millis end, bool all) {
  end_ = std::max(end_, end);
  if (end_ <= clock_.NowMs()) {
    Unpause();
    return;
  }
  // PAUSE WRITE while ALL is in force keeps ALL (Redis keeps the most restrictive action).
  mode_ = all || mode_ == Mode::kAll ? Mode::kAll : Mode::kWrite;
  Arm();
}

void ClientPause::Unpause() {
  mode_ = Mode::kNone;
  end_ = 0;
  timer_.cancel();
  WakeAll();
}

void ClientPause::Arm() {
  const Millis left = end_ - clock_.NowMs();
  timer_.expires_after(std::chrono::milliseconds(left));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !active()) return;  // cancelled: unpaused, or re-armed for a later end
    if (clock_.NowMs() >= end_) {
      Unpause();
    } else {
      Arm();  // the timer and the Clock disagree by a millisecond: wait for the rest
    }
  });
}

void ClientPause::WakeAll() {
  // A woken session may park again (a new pause began in between): take the list first.
  std::vector<std::weak_ptr<PausedClient>> parked = std::exchange(parked_, {});
  for (const std::weak_ptr<PausedClient>& weak : parked) {
    if (const std::shared_ptr<PausedClient> session = weak.lock()) session->Unpaused();
  }
}

}  // namespace locknode::net

// CLIENT PAUSE on the session side: a held command waits, parsed, at the head of the buffer.
#include <boost/asio/post.hpp>

#include "locknode/net/session.h"

namespace locknode::net {

bool Session::HeldByPause() {
  const command::ArgList args(argv_.data(), argv_.size());
  if (!ctx_.pause.all() && !ctx_.dispatcher.HeldByWritePause(args, client_)) return false;
  pause_parked_ = true;
  // The aliasing shared_ptr names this session as a PausedClient (a private base).
  ctx_.pause.Park(std::shared_ptr<PausedClient>(shared_from_this(), this));
  return true;
}

// Runs on the pause's timer or inside CLIENT UNPAUSE (another client's command): the held
// command runs on the next turn of the loop, as a woken blocked client's do.
void Session::Unpaused() {
  if (!pause_parked_ || closed_) return;
  pause_parked_ = false;
  boost::asio::post(ctx_.io, [self = shared_from_this()] { self->Resume(); });
}

}  // namespace locknode::net

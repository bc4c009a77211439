#pragma once

#include <memory>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "locknode/base/clock.h"
#include "locknode/base/millis.h"

namespace locknode::net {

// A session held by CLIENT PAUSE: told when the pause is over.
class PausedClient {
 public:
  virtual void Unpaused() = 0;

 protected:
  ~PausedClient() = default;
};

// CLIENT PAUSE / UNPAUSE (Redis pauseActions + blockPostponeClient). Sessions look at active()
// before each command (one load: free when nobody paused); a session whose next command is held
// parks itself here and stops, with the command still in its read buffer. Unpause or the end
// timer (one steady_timer, armed only while paused: nothing polls) wakes every parked session,
// which then runs the held command, or parks again if a new pause holds it.
//
// Single-threaded, on the io_context's thread. Holds sessions by weak_ptr: a client killed
// while parked is simply gone at wake-up.
class ClientPause {
 public:
  ClientPause(boost::asio::io_context& io, const Clock& clock);

  bool active() const { return mode_ != Mode::kNone; }
  // Every command is held (ALL), not just those that write.
  bool all() const { return mode_ == Mode::kAll; }

  // Redis pauseClientsByClient: the later end time and the more restrictive mode win. An end
  // not after now ends the pause (Redis updatePausedActions).
  void Pause(Millis end, bool all);
  void Unpause();
  // The session's next command is held until the pause ends.
  void Park(std::weak_ptr<PausedClient> session) { parked_.push_back(std::move(session)); }
  size_t parked() const { return parked_.size(); }

 private:
  enum class Mode { kNone, kWrite, kAll };
  void Arm();
  void WakeAll();

  const Clock& clock_;
  boost::asio::steady_timer timer_;
  Mode mode_ = Mode::kNone;
  Millis end_ = 0;
  std::vector<std::weak_ptr<PausedClient>> parked_;
};

}  // namespace locknode::net

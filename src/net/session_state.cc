// Session state changes signalled by commands (command::SessionSignals): applied when they
// happen, so the read loop never polls the client state after a command.
#include <algorithm>
#include <chrono>

#include <boost/asio/post.hpp>

#include "locknode/net/session.h"

namespace locknode::net {

using command::SessionMode;

// HELLO / RESET. The command already switched its own reply sink (the reply to HELLO 3 is in
// RESP3); this keeps the session's writer in step for every reply after it.
void Session::ProtocolChanged(int resp_version) { writer_.set_resp_version(resp_version); }

// AUTH / HELLO AUTH / RESET: Redis's tight request limits apply exactly while unauthenticated.
void Session::AuthChanged(bool /*authenticated*/) { ApplyParserLimits(); }

// QUIT / SHUTDOWN: the read loop stops after this command; FinishBatch flushes, then closes.
void Session::CloseAfterReply() { closing_ = true; }

// Entering kBlocked needs nothing here: RunRequests stops at the next request. Leaving it is
// the wake-up (a push from another client, a timeout, CLIENT UNBLOCK), which comes from outside
// this session's batch, so the rest of its pipeline is run on the next turn of the loop.
void Session::ModeChanged(SessionMode from, SessionMode to) {
  if (from != SessionMode::kBlocked || to != SessionMode::kNormal) return;
  ++block_generation_;  // a timeout handler already queued finds itself stale
  block_timer_.cancel();
  // Nothing pipelined behind the blocking command and a read in flight (the usual waiter): the
  // read's completion runs whatever comes next, and the wake-up reply's write was started by
  // PushWritten, so there is nothing to resume (one event-loop turn saved per wake-up).
  if (reading_ && rbuf_.unparsed_size() == 0 && !closing_) return;
  boost::asio::post(ctx_.io, [self = shared_from_this()] { self->Resume(); });
}

// A blocking command's timeout: Redis checks blocked clients' timeouts every event-loop pass
// (handleBlockedClientsTimeout); one timer per blocked client with a timeout does it here
// without any polling. Waits of 0 arm nothing.
void Session::BlockDeadline(Millis deadline) {
  const Millis delay = std::max<Millis>(0, deadline - ctx_.clock.NowMs());
  const uint64_t generation = ++block_generation_;
  block_timer_.expires_after(std::chrono::milliseconds(delay));
  block_timer_.async_wait(
      [self = shared_from_this(), generation](const boost::system::error_code& ec) {
        if (ec || self->closed_ || generation != self->block_generation_) return;
        self->ctx_.dispatcher.BlockTimedOut(self->client_);
      });
}

// Runs what the client pipelined behind its blocking command. With a read in flight the buffer
// must not move, so only the requests run here; that read's completion compacts as usual.
void Session::Resume() {
  // Closing and paused sessions resume from FinishBatch / OnWrite as usual.
  if (closed_ || closing_ || paused_) return;
  if (!reading_) {
    ProcessBatch();
    return;
  }
  RunRequests();
  if (closed_) return;
  StartWrite();
  if (closing_ && !writing_) Close("close after reply");  // QUIT was in the pipeline
}

// Another client's command writes to this one (PUBLISH). The reply writer appends after what
// is queued, in this client's protocol.
protocol::ReplySink& Session::PushSink() {
  if (closed_ || push_overflow_) {
    static protocol::DiscardSink discard;  // stateless
    return discard;
  }
  return writer_;
}

// Redis checkClientOutputBufferLimits after every addReply to the subscriber: over the limit
// of its class (pubsub while subscribed) it is closed asynchronously (freeClientAsync), so the
// publisher's loop over subscribers never sees a subscriber vanish. Otherwise the output is
// written now, unless this session is running its own command (its batch writes at the end).
void Session::PushWritten() {
  if (closed_ || push_overflow_) return;
  const size_t queued = OutputBytes();
  const OutputLimits& limits = output_limits();
  // The tracker reads the time only at or above the soft limit; below it, skip the clock read
  // (one per delivered message otherwise).
  const Millis now = limits.soft != 0 && queued >= limits.soft ? ctx_.clock.NowMs() : 0;
  if (output_limit_.Exceeded(queued, now, limits)) {
    push_overflow_ = true;
    boost::asio::post(
        ctx_.io, [self = shared_from_this()] { self->CloseForLimit(ClientLimit::kOutputBuffer); });
    return;
  }
  if (!dispatching_) StartWrite();
}

}  // namespace locknode::net

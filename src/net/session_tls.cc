// Session TLS handshake: runs before the first read of a tls-port client, under a deadline.
#include <chrono>
#include <string>

#include <boost/asio/error.hpp>

#include "locknode/net/server.h"
#include "locknode/net/session.h"

namespace locknode::net {

using boost::system::error_code;

// The client already holds a slot (maxclients admitted it before the handshake, as Redis
// does), so a peer that connects and then sends nothing, or trickles a ClientHello, must not
// keep it: past tls-handshake-timeout the connection is closed.
void Session::StartHandshake() {
  handshaking_ = true;
  boost::asio::steady_timer& deadline = transport_.handshake_deadline();
  deadline.expires_after(std::chrono::milliseconds(ctx_.config.tls_handshake_timeout));
  // The timer may have fired just as the handshake finished (cancel() is then too late), so
  // it checks handshaking_ instead of trusting a successful wait.
  deadline.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec && self->handshaking_) self->Close("TLS handshake timeout");
  });
  transport_.AsyncHandshake(
      [self = shared_from_this()](const error_code& ec) { self->OnHandshake(ec); });
}

void Session::OnHandshake(const error_code& ec) {
  handshaking_ = false;
  if (closed_) return;  // timed out or shut down: already closed
  transport_.handshake_deadline().cancel();
  if (ec) {
    // No client certificate, an untrusted one, TLS 1.1, plain RESP sent to the TLS port...:
    // the client learns it from the TLS alert; here it is a debug line like any close.
    Close("TLS handshake failed: " + ec.message());
    return;
  }
  // Idle time counts from a finished handshake, not from the TCP accept.
  client_.last_interaction_ms = ctx_.clock.NowMs();
  StartRead();
}

}  // namespace locknode::net

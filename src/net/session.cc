// Session lifecycle: construction, start, close. The read and write paths live in
// session_read.cc and session_write.cc.
#include "locknode/net/session.h"

#include <string>

#include <spdlog/spdlog.h>

namespace locknode::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Redis anetFormatAddr: "ip:port", with brackets around IPv6 addresses.
std::string FormatEndpoint(const tcp::endpoint& endpoint) {
  const std::string ip = endpoint.address().to_string();
  const std::string port = std::to_string(endpoint.port());
  return endpoint.address().is_v6() ? "[" + ip + "]:" + port : ip + ":" + port;
}

}  // namespace

Session::Session(tcp::socket socket, asio::ssl::context* tls, const SessionContext& context,
                 uint64_t id)
    : transport_(std::move(socket), tls, context.poller),
      ctx_(context),
      rbuf_(kInitialReadBuffer),
      writer_(&pending_),
      block_timer_(context.io) {
  client_.id = id;
  client_.set_signals(this);
}

Session::~Session() = default;

void Session::Start() {
  const Millis now = ctx_.clock.NowMs();
  client_.created_ms = now;
  client_.last_interaction_ms = now;
  client_.fd = transport_.native_handle();
  if (transport_.remote_endpoint()) client_.peer = FormatEndpoint(*transport_.remote_endpoint());
  if (transport_.local_endpoint()) client_.local = FormatEndpoint(*transport_.local_endpoint());
  // Before AUTH a client gets Redis's tight unauthenticated parser limits (CVE-2021-32675).
  client_.SetAuthenticated(ctx_.config.requirepass.empty());
  ApplyParserLimits();
  writer_.set_resp_version(client_.resp_version());
  spdlog::debug("client {} connected from {}{}", client_.id, client_.peer,
                transport_.is_tls() ? " (TLS)" : "");
  if (transport_.is_tls()) {
    StartHandshake();
  } else {
    StartRead();
  }
}

void Session::ApplyParserLimits() {
  parser_.set_limits(client_.authenticated() ? ctx_.limits : ctx_.unauth_limits);
}

void Session::Close(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  spdlog::debug("client {} ({}) closed: {}", client_.id, client_.peer, reason);
  transport_.Close();  // pending handlers complete with operation_aborted
  ++block_generation_;
  block_timer_.cancel();
  // Its subscriptions, MULTI queue and WATCHes go now, while the shard is surely alive (handlers
  // may hold this session past the shard's end at shutdown); no message reaches it after this.
  ctx_.dispatcher.ClientClosed(client_);
  ctx_.registry.Unregister(client_.id);  // may drop the last reference: nothing after this
}

}  // namespace locknode::net

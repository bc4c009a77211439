// The accepting half of Server: binding, the accept loop, refusing peers (admission.h decides).
#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <spdlog/spdlog.h>

#include "locknode/net/server.h"
#include "locknode/net/session.h"
#include "locknode/net/tls_context.h"

#include "admission.h"

namespace locknode::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

// Written to a temporary file and renamed, so a test polling for it never reads half a port.
void WritePortFile(const std::string& path, int port) {
  if (path.empty()) return;
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port << '\n';
    if (!out.flush()) {
      throw std::system_error(std::make_error_code(std::errc::io_error), "write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw std::system_error(errno, std::generic_category(), "rename to " + path);
  }
}

}  // namespace

void Server::Bind() {
  if (TlsEnabled(config_)) tls_context_.emplace(MakeTlsContext(config_));
  if (PlainTcpEnabled(config_)) {
    bound_port_ = BindAll(config_.port, /*tls=*/false);
    WritePortFile(config_.port_file, bound_port_);
  }
  if (tls_context_) {
    tls_bound_port_ = BindAll(config_.tls_port, /*tls=*/true);
    WritePortFile(config_.tls_port_file, tls_bound_port_);
  }
}

int Server::BindAll(int port, bool tls) {
  std::istringstream addresses(config_.bind);
  std::string address;
  int bound = 0;
  while (addresses >> address) {
    Listener& listener = listeners_.emplace_back(io_);
    listener.tls = tls;
    // With port 0, every address shares the first ephemeral port.
    bound = BindOne(listener, address, bound == 0 ? port : bound);
  }
  if (bound == 0) {
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            "bind: no address given");
  }
  return bound;
}

int Server::BindOne(Listener& listener, const std::string& address, int port) {
  error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) throw std::system_error(ec, "bind " + address);
  const tcp::endpoint endpoint(ip, static_cast<uint16_t>(port));
  tcp::acceptor& acceptor = listener.acceptor;
  auto check = [&](const char* step) {
    if (ec) {
      throw std::system_error(ec, std::string(step) + " " + address + ":" + std::to_string(port));
    }
  };
  acceptor.open(endpoint.protocol(), ec);
  check("open");
  acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  check("setsockopt");
  if (ip.is_v6()) {
    acceptor.set_option(asio::ip::v6_only(true), ec);  // "::" must not steal the v4 port
    check("setsockopt");
  }
  acceptor.bind(endpoint, ec);
  check("bind");
  acceptor.listen(kBacklog, ec);
  check("listen");
  const int bound = acceptor.local_endpoint().port();
  listener.address = address;
  WarnIfExposed(config_, ip);
  spdlog::info("listening on {}:{}{}", ip.is_v6() ? "[" + address + "]" : address, bound,
               listener.tls ? " (TLS)" : "");
  return bound;
}

void Server::Accept(Listener& listener) {
  listener.acceptor.async_accept([this, &listener](const error_code& ec, tcp::socket socket) {
    OnAccept(listener, ec, std::move(socket));
  });
}

void Server::OnAccept(Listener& listener, const error_code& ec, tcp::socket socket) {
  if (stopping_ || ec == asio::error::operation_aborted) return;
  if (ec) {
    // EMFILE/ENFILE would complete again at once: back off instead of spinning.
    if (accept_error_log_.Allow(clock_.NowMs())) {
      spdlog::warn("accept on {}: {}", listener.address, ec.message());
    }
    listener.retry_timer.expires_after(std::chrono::milliseconds(100));
    listener.retry_timer.async_wait([this, &listener](const error_code& wait_ec) {
      if (!wait_ec && !stopping_) Accept(listener);
    });
    return;
  }
  // Admission comes first, for TLS too: a rejected client costs no handshake (Redis
  // acceptCommonHandler runs before connAccept).
  error_code peer_ec;
  const tcp::endpoint peer = socket.remote_endpoint(peer_ec);
  // A peer gone before we asked counts as remote: no reserve slot, no protected-mode pass.
  const bool loopback_peer = !peer_ec && IsLoopback(peer.address());
  const Admission verdict = Admit(config_, sessions_.size(), loopback_peer);
  if (verdict != Admission::kAccept) {
    Reject(socket, verdict, listener.tls);
  } else {
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // replies are batched already
    const uint64_t id = next_client_id_++;
    asio::ssl::context* tls = listener.tls ? &*tls_context_ : nullptr;
    auto session = std::make_shared<Session>(std::move(socket), tls, *session_context_, id);
    sessions_.emplace(id, session);
    ++dispatcher_->stats().connections_received;
    session->Start();
  }
  Accept(listener);
}

void Server::Reject(tcp::socket& socket, Admission verdict, bool tls) {
  // Redis acceptCommonHandler: a best-effort synchronous write of the error, then close. Both
  // refusals count in rejected_connections, as in Redis. On a TLS port nothing is written:
  // there is no handshake yet, so the client sees the connection drop (Redis's connWrite on an
  // unaccepted TLS connection writes nothing either).
  const std::string_view reply = RejectionReply(verdict);
  ++dispatcher_->stats().rejected_connections;
  if (reject_log_.Allow(clock_.NowMs())) {
    if (verdict == Admission::kProtectedMode) {
      spdlog::warn("rejecting a non-loopback {}connection: protected mode and no requirepass",
                   tls ? "TLS " : "");
    } else {
      spdlog::warn("rejecting {}connection: maxclients ({}) reached", tls ? "TLS " : "",
                   config_.maxclients);
    }
  }
  error_code ignored;
  if (!tls) {
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(reply.data(), reply.size()), ignored);
  }
  socket.close(ignored);
}

}  // namespace locknode::net

#include "locknode/net/transport.h"

#include <unistd.h>

namespace locknode::net {

using boost::asio::ip::tcp;
using boost::system::error_code;

Transport::Transport(tcp::socket socket, boost::asio::ssl::context* tls, Poller& poller)
    : socket_(std::move(socket)), poller_(poller) {
  error_code ec;
  if (tcp::endpoint remote = socket_.remote_endpoint(ec); !ec) remote_ = remote;
  if (tcp::endpoint local = socket_.local_endpoint(ec); !ec) local_ = local;
  if (tls != nullptr) {
    tls_ = std::make_unique<Tls>(socket_, *tls);
    fd_ = socket_.native_handle();
    return;
  }
  // Hand the descriptor from Asio's reactor to the Poller (transport_plain.cc).
  socket_.non_blocking(true, ec);
  fd_ = socket_.release(ec);
}

Transport::~Transport() {
  // Normally closed already (Session::Close). Closing the descriptor also drops it from the
  // poller's epoll set; the poller itself may be gone by now, so it is not called.
  if (!tls_ && fd_ >= 0) ::close(fd_);
}

void Transport::Close() {
  if (!tls_) {
    ClosePlain();
    return;
  }
  error_code ignored;
  tls_->handshake_deadline.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace locknode::net

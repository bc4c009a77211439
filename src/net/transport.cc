#include "locknode/net/transport.h"

namespace locknode::net {

using boost::asio::ip::tcp;

Transport::Transport(tcp::socket socket, boost::asio::ssl::context* tls)
    : socket_(std::move(socket)) {
  if (tls != nullptr) tls_ = std::make_unique<Tls>(socket_, *tls);
}

Transport::~Transport() = default;

void Transport::Close() {
  boost::system::error_code ignored;
  if (tls_) tls_->handshake_deadline.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace locknode::net

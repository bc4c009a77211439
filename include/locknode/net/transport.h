#pragma once

#include <memory>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

namespace locknode::net {

// The byte stream under a Session: a plain TCP socket, or TLS (ssl::stream) over that socket.
//
// Each I/O call picks its path with one well-predicted branch on a pointer. The plain path has
// no virtual call and no allocation of its own: the TLS state (OpenSSL's SSL object, the
// handshake deadline) is allocated only for connections accepted on the tls-port.
//
// Not movable: the TLS stream refers to socket_. Single-threaded like its Session.
class Transport {
 public:
  // `tls` null: plain TCP. Otherwise a server-side TLS stream built from *tls, which must
  // outlive this object (it is the Server's context).
  Transport(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  bool is_tls() const { return tls_ != nullptr; }
  // The TCP socket underneath (descriptor, endpoints, socket options).
  boost::asio::ip::tcp::socket& socket() { return socket_; }

  // TLS only: the server side of the handshake; handler(error_code).
  template <typename Handler>
  void AsyncHandshake(Handler&& handler) {
    tls_->stream.async_handshake(boost::asio::ssl::stream_base::server,
                                 std::forward<Handler>(handler));
  }
  // TLS only: the timer that bounds the handshake (a TLS slowloris would otherwise hold a
  // client slot for as long as it likes). The Session arms and cancels it.
  boost::asio::steady_timer& handshake_deadline() { return tls_->handshake_deadline; }

  // handler(error_code, size_t), as tcp::socket::async_read_some.
  template <typename Handler>
  void AsyncReadSome(boost::asio::mutable_buffer buffer, Handler&& handler) {
    if (tls_) {
      tls_->stream.async_read_some(buffer, std::forward<Handler>(handler));
    } else {
      socket_.async_read_some(buffer, std::forward<Handler>(handler));
    }
  }
  // Writes all of `buffer`; handler(error_code, size_t), as asio::async_write.
  template <typename Handler>
  void AsyncWrite(boost::asio::const_buffer buffer, Handler&& handler) {
    if (tls_) {
      boost::asio::async_write(tls_->stream, buffer, std::forward<Handler>(handler));
    } else {
      boost::asio::async_write(socket_, buffer, std::forward<Handler>(handler));
    }
  }

  // Closes the socket now; pending operations complete with operation_aborted. TLS sends no
  // close_notify: like Redis (connTLSClose), the connection is simply dropped, which clients
  // see as a truncated stream. That is harmless here: RESP frames its own messages, so a
  // truncation cannot pass for a complete reply.
  void Close();

 private:
  struct Tls {
    Tls(boost::asio::ip::tcp::socket& socket, boost::asio::ssl::context& context)
        : stream(socket, context), handshake_deadline(socket.get_executor()) {}
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket&> stream;
    boost::asio::steady_timer handshake_deadline;
  };

  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<Tls> tls_;  // null on the plain path; declared last, so destroyed first
};

}  // namespace locknode::net

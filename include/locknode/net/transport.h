#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "locknode/net/io_handler.h"
#include "locknode/net/poller.h"

namespace locknode::net {

// Supplies the buffer of a lazy read (Transport::AsyncReadLazy) at the moment bytes arrive.
class ReadSpace {
 public:
  // Where the bytes go; must not be empty. Called once per lazy read, from the Poller's pass.
  virtual boost::asio::mutable_buffer AcquireReadSpace() = 0;

 protected:
  ~ReadSpace() = default;
};

// The byte stream under a Session: a plain TCP socket driven by the Poller, or TLS
// (ssl::stream) over an Asio socket.
//
// Plain TCP leaves Asio's reactor at construction (the descriptor is released to the Poller):
// a read waits for epoll to report bytes, and the Poller receives them with the other ready
// sockets of its pass; a write is queued and sent at the end of the pass, together with every
// other reply of that pass. Neither allocates (handlers are held inline, IoHandler). TLS keeps
// Asio's path, whose OpenSSL state is allocated only for connections accepted on the tls-port. Each
// I/O call picks its path with one well-predicted branch on a pointer.
//
// Handlers are never invoked from inside the call that starts the operation, and run on the
// io_context's thread, as with Asio. After Close() pending handlers complete with
// operation_aborted. Not movable: the TLS stream and the Poller refer to this object.
class Transport final : private PolledSocket {
 public:
  // `tls` null: plain TCP on `poller`. Otherwise a server-side TLS stream built from *tls,
  // which must outlive this object (it is the Server's context). The poller must outlive the
  // registration, i.e. until Close().
  Transport(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls, Poller& poller);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  bool is_tls() const { return tls_ != nullptr; }
  int native_handle() const { return fd_; }
  // The connection's endpoints, read when it was handed over (empty if the peer was gone).
  const std::optional<boost::asio::ip::tcp::endpoint>& remote_endpoint() const { return remote_; }
  const std::optional<boost::asio::ip::tcp::endpoint>& local_endpoint() const { return local_; }

  // TLS only: the server side of the handshake; handler(error_code).
  template <typename Handler>
  void AsyncHandshake(Handler&& handler) {
    tls_->stream.async_handshake(boost::asio::ssl::stream_base::server,
                                 std::forward<Handler>(handler));
  }
  // TLS only: the timer that bounds the handshake (a TLS slowloris would otherwise hold a
  // client slot for as long as it likes). The Session arms and cancels it.
  boost::asio::steady_timer& handshake_deadline() { return tls_->handshake_deadline; }

  // handler(error_code, size_t), as tcp::socket::async_read_some; eof when the peer closed.
  template <typename Handler>
  void AsyncReadSome(boost::asio::mutable_buffer buffer, Handler&& handler) {
    if (tls_) {
      tls_->stream.async_read_some(buffer, std::forward<Handler>(handler));
    } else {
      read_space_ = nullptr;
      StartPlainRead(buffer, IoHandler(std::forward<Handler>(handler)));
    }
  }
  // Plain TCP only: as AsyncReadSome, but the buffer is asked of `space` only when epoll
  // reports bytes, so a connection waiting for its next request holds no read buffer (the
  // Session returns its buffer to the shared pool meanwhile). `space` must outlive the read.
  template <typename Handler>
  void AsyncReadLazy(ReadSpace* space, Handler&& handler) {
    read_space_ = space;
    StartPlainRead(boost::asio::mutable_buffer(), IoHandler(std::forward<Handler>(handler)));
  }
  // Writes all of `buffer`, which must stay valid until the handler runs; handler(error_code,
  // size_t), as asio::async_write. One write at a time.
  template <typename Handler>
  void AsyncWrite(boost::asio::const_buffer buffer, Handler&& handler) {
    if (tls_) {
      boost::asio::async_write(tls_->stream, buffer, std::forward<Handler>(handler));
    } else {
      StartPlainWrite(buffer, IoHandler(std::forward<Handler>(handler)));
    }
  }

  // Closes the connection now; pending operations complete with operation_aborted. TLS sends no
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

  // The plain path (transport_plain.cc).
  void StartPlainRead(boost::asio::mutable_buffer buffer, IoHandler handler);
  void StartPlainWrite(boost::asio::const_buffer buffer, IoHandler handler);
  int descriptor() const override { return fd_; }
  boost::asio::mutable_buffer OnReady(uint32_t events) override;
  void OnReceived(ssize_t result) override;
  boost::asio::const_buffer Unsent() override;
  void OnSent(ssize_t result) override;
  // Sends the rest itself, waiting for EPOLLOUT when the socket is full (a slow reader).
  void ContinueWrite();
  // Registers what the pending operations wait for: EPOLLIN for a read, EPOLLOUT for a write
  // the socket did not take at once.
  void UpdateInterest();
  void ClosePlain();
  // Empties `slot` and runs its handler with `ec` on a later turn of the loop (never inline,
  // as Asio completes a failed or aborted operation). No-op for an empty slot.
  void CompleteLater(IoHandler& slot, const boost::system::error_code& ec);

  boost::asio::ip::tcp::socket socket_;  // TLS: the stream's socket; plain: released, closed
  std::unique_ptr<Tls> tls_;  // null on the plain path; declared after socket_, destroyed first
  Poller& poller_;
  int fd_ = -1;
  std::optional<boost::asio::ip::tcp::endpoint> remote_;
  std::optional<boost::asio::ip::tcp::endpoint> local_;
  // Plain path state.
  uint32_t interest_ = 0;  // events registered with the poller
  bool registered_ = false;
  bool write_waiting_ = false;  // the socket's send buffer is full: waiting for EPOLLOUT
  bool flush_queued_ = false;
  boost::asio::mutable_buffer read_buffer_;
  ReadSpace* read_space_ = nullptr;  // a lazy read: read_buffer_ comes from it in OnReady
  IoHandler read_handler_;
  boost::asio::const_buffer write_buffer_;
  size_t written_ = 0;
  IoHandler write_handler_;
};

}  // namespace locknode::net

// Transport's plain-TCP path: one recv when epoll reports bytes, one send per pass (poller.h).
#include <cerrno>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include "locknode/base/dcheck.h"
#include "locknode/net/transport.h"

namespace locknode::net {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Runs the handler in `slot` and empties the slot first, so the handler may start the next
// operation. Callers make this their last act: the handler may destroy the Transport.
void Complete(IoHandler& slot, const error_code& ec, size_t n) {
  IoHandler handler = slot.Take();
  handler(ec, n);
}

bool WouldBlock(int err) { return err == EAGAIN || err == EWOULDBLOCK; }

}  // namespace

void Transport::StartPlainRead(asio::mutable_buffer buffer, IoHandler handler) {
  LOCKNODE_DCHECK(!read_handler_);
  read_buffer_ = buffer;
  read_handler_ = std::move(handler);
  if (fd_ < 0) {  // closed: complete later, as Asio would
    asio::post(socket_.get_executor(),
               [h = read_handler_.Take()]() mutable { h(asio::error::bad_descriptor, 0); });
    return;
  }
  UpdateInterest();  // usually a no-op: the previous read left EPOLLIN registered
}

void Transport::StartPlainWrite(asio::const_buffer buffer, IoHandler handler) {
  LOCKNODE_DCHECK(!write_handler_);
  write_buffer_ = buffer;
  written_ = 0;
  write_handler_ = std::move(handler);
  if (!flush_queued_) {
    flush_queued_ = true;
    poller_.QueueFlush(this);
  }
}

void Transport::OnReady(uint32_t events) {
  const bool failed = (events & (EPOLLERR | EPOLLHUP)) != 0;
  // One completion per call (the handler may destroy *this). Level-triggered epoll reports
  // whatever is left again in the next pass.
  if (write_waiting_ && ((events & EPOLLOUT) != 0 || failed)) {
    ContinueWrite();
    return;
  }
  if (read_handler_ && ((events & EPOLLIN) != 0 || failed)) {
    Read();
    return;
  }
  // Ready for something nobody waits for any more (a paused or closing client): stop asking.
  UpdateInterest();
  if (failed && registered_ && interest_ == 0) {
    // epoll reports a hang-up even for no events: leave the set until a read asks again.
    poller_.Remove(fd_, this);
    registered_ = false;
  }
}

void Transport::OnFlush() {
  flush_queued_ = false;
  if (write_handler_ && !write_waiting_) ContinueWrite();
}

void Transport::Read() {
  const ssize_t n = ::recv(fd_, read_buffer_.data(), read_buffer_.size(), 0);
  if (n < 0 && (WouldBlock(errno) || errno == EINTR)) return;  // spurious: wait again
  if (n > 0) {
    Complete(read_handler_, error_code(), static_cast<size_t>(n));
  } else if (n == 0) {
    Complete(read_handler_, asio::error::eof, 0);
  } else {
    Complete(read_handler_, error_code(errno, asio::error::get_system_category()), 0);
  }
}

void Transport::ContinueWrite() {
  const auto* data = static_cast<const char*>(write_buffer_.data());
  while (written_ < write_buffer_.size()) {
    const ssize_t n = ::send(fd_, data + written_, write_buffer_.size() - written_, MSG_NOSIGNAL);
    if (n >= 0) {
      written_ += static_cast<size_t>(n);
    } else if (errno == EINTR) {
      continue;
    } else if (WouldBlock(errno)) {
      // The client is not reading: go on when its window opens (backpressure, session.h).
      write_waiting_ = true;
      UpdateInterest();
      return;
    } else {
      write_waiting_ = false;
      Complete(write_handler_, error_code(errno, asio::error::get_system_category()), written_);
      return;
    }
  }
  if (write_waiting_) {
    write_waiting_ = false;
    UpdateInterest();
  }
  Complete(write_handler_, error_code(), written_);
}

void Transport::UpdateInterest() {
  const uint32_t want = (read_handler_ ? EPOLLIN : 0u) | (write_waiting_ ? EPOLLOUT : 0u);
  if (registered_ && want == interest_) return;
  if (!registered_ && want == 0) return;
  const bool ok = registered_ ? poller_.Modify(fd_, this, want) : poller_.Add(fd_, this, want);
  if (!ok) {
    // Only on resource exhaustion (ENOMEM) or a closed descriptor: fail what waits, later.
    const error_code ec(errno, asio::error::get_system_category());
    for (IoHandler* slot : {&read_handler_, &write_handler_}) {
      if (*slot) asio::post(socket_.get_executor(), [h = slot->Take(), ec]() mutable { h(ec, 0); });
    }
    write_waiting_ = false;
    return;
  }
  registered_ = true;
  interest_ = want;
}

void Transport::ClosePlain() {
  if (fd_ < 0) return;
  poller_.Remove(fd_, this);  // also drops a queued flush and events of the running pass
  registered_ = false;
  ::shutdown(fd_, SHUT_RDWR);
  ::close(fd_);
  fd_ = -1;
  write_waiting_ = false;
  for (IoHandler* slot : {&read_handler_, &write_handler_}) {
    if (*slot) {
      asio::post(socket_.get_executor(),
                 [h = slot->Take()]() mutable { h(asio::error::operation_aborted, 0); });
    }
  }
}

}  // namespace locknode::net

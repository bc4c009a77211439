#include "locknode/net/poller.h"

#include <cerrno>
#include <sys/socket.h>
#include <system_error>
#include <unistd.h>

#include <boost/asio/post.hpp>

#include "net/uring_batch.h"

namespace locknode::net {

namespace asio = boost::asio;

namespace {

int CreateEpoll() {
  const int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  return fd;
}

}  // namespace

Poller::Poller(asio::io_context& io, bool use_io_uring) : io_(io), epoll_(io, CreateEpoll()) {
  calls_.reserve(kMaxEvents);
  if (use_io_uring) uring_ = UringBatch::Create(kMaxEvents, &uring_refusal_);
}

Poller::~Poller() = default;

void Poller::Start() {
  stopped_ = false;
  Arm();
}

void Poller::Stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  epoll_.cancel(ignored);
}

bool Poller::Add(int fd, PolledSocket* socket, uint32_t events) {
  return Control(EPOLL_CTL_ADD, fd, socket, events);
}

bool Poller::Modify(int fd, PolledSocket* socket, uint32_t events) {
  return Control(EPOLL_CTL_MOD, fd, socket, events);
}

bool Poller::Control(int op, int fd, PolledSocket* socket, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = socket;
  return epoll_ctl(epoll_.native_handle(), op, fd, &ev) == 0;
}

void Poller::Remove(int fd, PolledSocket* socket) {
  epoll_event ignored{};  // non-null for kernels before 2.6.9
  epoll_ctl(epoll_.native_handle(), EPOLL_CTL_DEL, fd, &ignored);
  // The running pass may still hold events for it (a client killed by another's command).
  for (int i = pass_cursor_ + 1; i < pass_size_; ++i) {
    if (events_[i].data.ptr == socket) events_[i].data.ptr = nullptr;
  }
  for (PolledSocket*& queued : flush_) {
    if (queued == socket) queued = nullptr;
  }
  for (Call& call : calls_) {
    if (call.socket == socket) call.socket = nullptr;
  }
}

void Poller::QueueFlush(PolledSocket* socket) {
  flush_.push_back(socket);
  if (in_pass_ || flush_posted_) return;
  // Outside a pass (a timer's handler wrote): flush on the next turn of the loop.
  flush_posted_ = true;
  asio::post(io_, [this] {
    flush_posted_ = false;
    in_pass_ = true;  // what the flush queues joins this round
    FlushQueued();
    in_pass_ = false;
  });
}

void Poller::Arm() {
  if (stopped_) return;
  // Asio re-arms its edge-triggered registration of our descriptor here (epoll_ctl MOD), so
  // events that arrived during the pass are reported by its very next epoll_wait.
  epoll_.async_wait(asio::posix::stream_descriptor::wait_read,
                    [this](const boost::system::error_code& ec) {
                      if (!ec) RunPass();
                    });
}

void Poller::RunPass() {
  if (stopped_) return;
  int n;
  do {
    n = epoll_wait(epoll_.native_handle(), events_.data(), kMaxEvents, 0);
  } while (n < 0 && errno == EINTR);
  ++passes_;
  in_pass_ = true;
  // Every ready socket first says what it wants; the reads are then made together.
  pass_size_ = n > 0 ? n : 0;
  calls_.clear();
  for (pass_cursor_ = 0; pass_cursor_ < pass_size_; ++pass_cursor_) {
    auto* socket = static_cast<PolledSocket*>(events_[pass_cursor_].data.ptr);
    if (socket == nullptr) continue;
    const asio::mutable_buffer want = socket->OnReady(events_[pass_cursor_].events);
    if (want.size() > 0) calls_.push_back({socket, want.data(), want.size()});
  }
  pass_cursor_ = -1;
  pass_size_ = 0;
  RunCalls(/*send=*/false);
  FlushQueued();
  in_pass_ = false;
  if (n == kMaxEvents) {
    // More may be ready: let Asio's handlers (timers, accepts, TLS) run first, then go on.
    asio::post(io_, [this] { RunPass(); });
  } else {
    Arm();
  }
}

void Poller::FlushQueued() {
  // A completed send may queue another (a paused client resumes): round after round.
  while (!flush_.empty()) {
    calls_.clear();
    for (PolledSocket* socket : flush_) {
      if (socket == nullptr) continue;
      const asio::const_buffer unsent = socket->Unsent();
      if (unsent.size() > 0) {
        calls_.push_back({socket, const_cast<void*>(unsent.data()), unsent.size()});
      }
    }
    flush_.clear();
    RunCalls(/*send=*/true);
  }
}

void Poller::RunCalls(bool send) {
  // Results are handed over by index, re-reading calls_[i].socket each time: a handler may
  // remove a socket whose result is still to come (Remove nulls it).
  auto deliver = [this, send](size_t i, ssize_t result) {
    PolledSocket* socket = std::exchange(calls_[i].socket, nullptr);
    if (socket == nullptr) return;
    if (send) {
      socket->OnSent(result);
    } else {
      socket->OnReceived(result);
    }
  };
  // A lone call costs less as a plain system call than as a ring submission.
  if (!uring_ || calls_.size() == 1) {
    for (size_t i = 0; i < calls_.size(); ++i) {
      const Call& c = calls_[i];
      if (c.socket == nullptr) continue;
      const int fd = c.socket->descriptor();
      const ssize_t r =
          send ? ::send(fd, c.data, c.size, MSG_NOSIGNAL) : ::recv(fd, c.data, c.size, 0);
      deliver(i, r < 0 ? -errno : r);
    }
    return;
  }
  // Chunks of the ring's size, each submitted before any of its results is handed over, so no
  // queued call can name a descriptor that a handler has closed since.
  for (size_t begin = 0; begin < calls_.size();) {
    size_t end = begin;
    for (; end < calls_.size() && uring_->queued() < uring_->capacity(); ++end) {
      const Call& c = calls_[end];
      if (c.socket == nullptr) continue;
      const int fd = c.socket->descriptor();
      const auto tag = static_cast<uint32_t>(end);
      if (send) {
        uring_->PrepSend(fd, c.data, c.size, tag);
      } else {
        uring_->PrepRecv(fd, c.data, c.size, tag);
      }
    }
    uring_->Run([&](uint32_t tag, int32_t result) { deliver(tag, result); });
    begin = end;
  }
}

}  // namespace locknode::net

#include "locknode/net/poller.h"

#include <cerrno>
#include <system_error>
#include <unistd.h>

#include <boost/asio/post.hpp>

namespace locknode::net {

namespace asio = boost::asio;

namespace {

int CreateEpoll() {
  const int fd = epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  return fd;
}

}  // namespace

Poller::Poller(asio::io_context& io) : io_(io), epoll_(io, CreateEpoll()) {}

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
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = socket;
  return epoll_ctl(epoll_.native_handle(), EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool Poller::Modify(int fd, PolledSocket* socket, uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = socket;
  return epoll_ctl(epoll_.native_handle(), EPOLL_CTL_MOD, fd, &ev) == 0;
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
}

void Poller::QueueFlush(PolledSocket* socket) {
  flush_.push_back(socket);
  if (in_pass_ || flush_posted_) return;
  // Outside a pass (a timer's handler wrote): flush on the next turn of the loop.
  flush_posted_ = true;
  asio::post(io_, [this] {
    flush_posted_ = false;
    if (!in_pass_) FlushQueued();
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
  pass_size_ = n > 0 ? n : 0;
  for (pass_cursor_ = 0; pass_cursor_ < pass_size_; ++pass_cursor_) {
    auto* socket = static_cast<PolledSocket*>(events_[pass_cursor_].data.ptr);
    if (socket != nullptr) socket->OnReady(events_[pass_cursor_].events);
  }
  pass_cursor_ = -1;
  pass_size_ = 0;
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
  // OnFlush may queue more (a completed write resumes a paused client): index, not iterators.
  for (size_t i = 0; i < flush_.size(); ++i) {
    if (PolledSocket* socket = flush_[i]) {
      flush_[i] = nullptr;
      socket->OnFlush();
    }
  }
  flush_.clear();
}

}  // namespace locknode::net

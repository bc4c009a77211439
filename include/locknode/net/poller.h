#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <sys/epoll.h>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace locknode::net {

// What the Poller drives: the plain-TCP side of a Transport.
class PolledSocket {
 public:
  // The descriptor is ready for what `events` says (EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP). May
  // complete a handler as its last act, which may destroy the socket: the Poller does not
  // touch it afterwards.
  virtual void OnReady(uint32_t events) = 0;
  // End of a pass: send the write queued with Poller::QueueFlush. Same last-act rule.
  virtual void OnFlush() = 0;

 protected:
  ~PolledSocket() = default;
};

// The event loop of plain-TCP clients, shaped like Redis's ae loop rather than Asio's reactor,
// because on loopback the kernel work per request is the whole cost and Asio's shape added a
// system call to each one:
//   - level-triggered epoll and no speculative read: a socket is read once, when epoll says it
//     has bytes (Asio re-tries a read as soon as the next one is started, which for a client
//     waiting on its reply is a recv that fails with EAGAIN, every request);
//   - replies are sent at the end of the pass, after every ready socket has been read (Redis's
//     beforeSleep): the peer's replies leave in one burst, so it wakes once for many.
// The Poller's epoll descriptor is itself watched by the io_context (a stream_descriptor), so
// timers, the acceptor and TLS sessions stay on Asio and everything runs on the one thread. A
// pass costs one epoll_wait here plus Asio's epoll_wait and re-arm, shared by every socket
// that was ready.
//
// Not thread-safe; lives on the io_context's thread and must outlive its sockets' registration
// (Remove before the socket goes away).
class Poller {
 public:
  // Throws std::system_error if epoll_create1 fails.
  explicit Poller(boost::asio::io_context& io);
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Starts watching the epoll descriptor; call once, after which passes run on the io_context.
  void Start();
  // Stops watching (shutdown). Registered sockets are left as they are.
  void Stop();

  // (Re)registers `fd` for `events` (level-triggered; EPOLLERR/EPOLLHUP are always reported).
  // `events` 0 keeps the descriptor registered but quiet. Returns false if epoll refused it.
  bool Add(int fd, PolledSocket* socket, uint32_t events);
  bool Modify(int fd, PolledSocket* socket, uint32_t events);
  // Unregisters; the socket receives no further OnReady/OnFlush, even later in this pass.
  void Remove(int fd, PolledSocket* socket);
  // Calls socket->OnFlush() at the end of the current pass, or soon if no pass is running.
  void QueueFlush(PolledSocket* socket);

  // Passes run so far and sockets handled by them (for tests and INFO-style curiosity).
  uint64_t passes() const { return passes_; }

 private:
  static constexpr int kMaxEvents = 256;
  void Arm();
  void RunPass();
  void FlushQueued();

  boost::asio::io_context& io_;
  boost::asio::posix::stream_descriptor epoll_;  // owns the epoll descriptor
  std::array<epoll_event, kMaxEvents> events_{};
  int pass_size_ = 0;                 // events_ entries of the running pass
  int pass_cursor_ = -1;              // the entry being handled
  std::vector<PolledSocket*> flush_;  // may hold nullptr for removed sockets
  bool in_pass_ = false;
  bool flush_posted_ = false;
  bool stopped_ = true;
  uint64_t passes_ = 0;
};

}  // namespace locknode::net

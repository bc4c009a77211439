#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <sys/epoll.h>
#include <sys/types.h>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace locknode::net {

class UringBatch;

// What the Poller drives: the plain-TCP side of a Transport. The Poller makes the socket calls
// itself, so that it can batch them (UringBatch); the socket says what it wants and hears the
// results. A call marked "last act" may complete a handler, which may destroy the socket: the
// Poller does not touch it afterwards.
class PolledSocket {
 public:
  virtual int descriptor() const = 0;
  // The descriptor is ready for `events` (EPOLLIN/EPOLLOUT/EPOLLERR/EPOLLHUP). Returns the
  // buffer to receive into when a read waits for these bytes (the Poller receives, with the
  // other sockets of the pass, and calls OnReceived); otherwise handles the event itself (last
  // act) and returns an empty buffer.
  virtual boost::asio::mutable_buffer OnReady(uint32_t events) = 0;
  // The recv made for it: bytes, 0 at end of stream, or -errno. Last act.
  virtual void OnReceived(ssize_t result) = 0;
  // At the end of a pass: the bytes still to send of the write queued with QueueFlush (empty:
  // nothing to send now).
  virtual boost::asio::const_buffer Unsent() = 0;
  // The send made of Unsent(): bytes taken (maybe fewer), or -errno. Last act.
  virtual void OnSent(ssize_t result) = 0;

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
//     beforeSleep): the peer's replies leave in one burst, so it wakes once for many;
//   - where the kernel allows io_uring, the recvs of a pass go to the kernel in one
//     io_uring_enter, and so do its sends (UringBatch): two kernel entries per pass instead of
//     two per request. Elsewhere (a container whose seccomp profile forbids io_uring, or
//     io-uring no) the same calls are made one by one.
// The Poller's epoll descriptor is itself watched by the io_context (a stream_descriptor), so
// timers, the acceptor and TLS sessions stay on Asio and everything runs on the one thread. A
// pass costs one epoll_wait here plus Asio's epoll_wait and re-arm, shared by every socket
// that was ready.
//
// Not thread-safe; lives on the io_context's thread and must outlive its sockets' registration
// (Remove before the socket goes away).
class Poller {
 public:
  // Throws std::system_error if epoll_create1 fails. With `use_io_uring`, batches through
  // io_uring when the kernel grants a ring (io_uring_active() says whether it did).
  Poller(boost::asio::io_context& io, bool use_io_uring);
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
  // Unregisters; the socket hears nothing more from the Poller, even later in this pass.
  void Remove(int fd, PolledSocket* socket);
  // Sends socket->Unsent() at the end of the current pass, or soon if no pass is running.
  void QueueFlush(PolledSocket* socket);

  // Passes run so far (for tests).
  uint64_t passes() const { return passes_; }
  bool io_uring_active() const { return uring_ != nullptr; }
  // Why io_uring is not in use, when it was wanted and refused ("" otherwise).
  const std::string& io_uring_refusal() const { return uring_refusal_; }

 private:
  static constexpr int kMaxEvents = 256;
  // A socket call of the running batch; `socket` is nulled if the socket is removed meanwhile.
  struct Call {
    PolledSocket* socket;
    void* data;
    size_t size;
  };
  bool Control(int op, int fd, PolledSocket* socket, uint32_t events);
  void Arm();
  void RunPass();
  void FlushQueued();
  // Makes the recv (`send` false) or send of every call in calls_ and reports each result.
  void RunCalls(bool send);

  boost::asio::io_context& io_;
  boost::asio::posix::stream_descriptor epoll_;  // owns the epoll descriptor
  std::array<epoll_event, kMaxEvents> events_{};
  int pass_size_ = 0;                 // events_ entries of the running pass
  int pass_cursor_ = -1;              // the entry being handled
  std::vector<PolledSocket*> flush_;  // may hold nullptr for removed sockets
  std::vector<Call> calls_;
  std::unique_ptr<UringBatch> uring_;  // null: plain system calls
  std::string uring_refusal_;
  bool in_pass_ = false;
  bool flush_posted_ = false;
  bool stopped_ = true;
  uint64_t passes_ = 0;
};

}  // namespace locknode::net

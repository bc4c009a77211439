// The handoff mode of locknode_loadgen: --clients waiters, each in a loop of
// `BLPOP bench:handoff 0` (python-redis-lock's wait on its signal list), and one pusher that
// RPUSHes one element per command, keeping at most one element per waiter outstanding (pushed
// and not yet received), so waiters are blocked when the push arrives and each push is one
// handoff: wake a waiter, pop, reply, and the waiter blocks again. Ops are elements the waiters
// received in the measured interval; server CPU per op is what one handoff costs, the pusher's
// command included. A plain poll() loop, as publish mode.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <poll.h>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "options.h"
#include "util.h"

namespace locknode::loadgen {

namespace {

constexpr std::string_view kList = "bench:handoff";

std::string Encode(std::initializer_list<std::string_view> args) {
  std::string out;
  AppendCommand(out, args);
  return out;
}

// Reads what is there into `buf`; returns the bytes read (0 if none), exits on EOF/error.
size_t ReadSome(int fd, std::vector<char>& buf) {
  size_t total = 0;
  for (;;) {
    const ssize_t n = recv(fd, buf.data() + total, buf.size() - total, MSG_DONTWAIT);
    if (n > 0) {
      total += static_cast<size_t>(n);
      if (total == buf.size()) return total;
      continue;
    }
    if (n == 0) {
      std::fprintf(stderr, "loadgen: server closed a handoff-mode connection\n");
      std::exit(1);
    }
    return total;  // EAGAIN
  }
}

struct Waiter {
  int fd = -1;
  size_t partial = 0;  // bytes of the reply being received
};

}  // namespace

int RunHandoff(const Options& o) {
  const int pusher = Connect(o.port);
  Sync(pusher, {"DEL", kList});
  SetNonBlocking(pusher);
  const std::string blpop = Encode({"BLPOP", kList, "0"});
  const std::string rpush = Encode({"RPUSH", kList, "x"});
  // BLPOP's reply [key, element] has the bytes of a command with those two arguments.
  const size_t reply_bytes = Encode({kList, "x"}).size();
  std::vector<Waiter> waiters(static_cast<size_t>(o.clients));
  for (Waiter& w : waiters) {
    w.fd = Connect(o.port);
    SetNonBlocking(w.fd);
    WriteAll(w.fd, blpop);
  }
  SleepMs(200);  // let every waiter block before the first push
  const auto capacity = static_cast<int64_t>(waiters.size());
  int64_t pushed = 0, received = 0, received_at_warm = 0;
  int64_t push_replies_due = 0;
  std::vector<char> buf(1 << 16);
  std::vector<pollfd> fds;
  const int64_t start = NowNs();
  const int64_t warm = start + static_cast<int64_t>(o.warmup * 1e9);
  const int64_t end = warm + static_cast<int64_t>(o.seconds * 1e9);
  double srv0 = 0, gen0 = 0;
  int64_t t0 = 0;
  bool measuring = false;
  for (;;) {
    const int64_t now = NowNs();
    if (!measuring && now >= warm) {
      measuring = true;
      srv0 = ProcCpuSeconds(o.pid);
      gen0 = SelfCpuSeconds();
      t0 = now;
      received_at_warm = received;
    }
    if (now >= end) break;
    // One batch at a time (up to --pipeline pushes), never more elements out than waiters.
    if (push_replies_due == 0) {
      const int64_t room = std::min<int64_t>(capacity - (pushed - received), o.pipeline);
      if (room > 0) {
        std::string batch;
        for (int64_t i = 0; i < room; ++i) batch += rpush;
        WriteAll(pusher, batch);
        pushed += room;
        push_replies_due = room;
      }
    }
    fds.clear();
    fds.push_back({pusher, POLLIN, 0});
    for (const Waiter& w : waiters) fds.push_back({w.fd, POLLIN, 0});
    poll(fds.data(), fds.size(), 10);
    if (fds[0].revents != 0) {
      const size_t n = ReadSome(pusher, buf);
      for (size_t i = 0; i < n; ++i) push_replies_due -= buf[i] == '\n' ? 1 : 0;  // ":<len>\r\n"
    }
    for (size_t i = 0; i < waiters.size(); ++i) {
      if (fds[i + 1].revents == 0) continue;
      Waiter& w = waiters[i];
      w.partial += ReadSome(w.fd, buf);
      while (w.partial >= reply_bytes) {  // one BLPOP in flight: at most one reply
        w.partial -= reply_bytes;
        ++received;
        WriteAll(w.fd, blpop);
      }
    }
  }
  const double wall = static_cast<double>(NowNs() - t0) / 1e9;
  const double srv = ProcCpuSeconds(o.pid) - srv0;
  const double gen = SelfCpuSeconds() - gen0;
  const int64_t ops = received - received_at_warm;
  for (const Waiter& w : waiters) close(w.fd);
  close(pusher);
  return PrintRateResult("handoff", o, wall, ops, srv, gen);
}

}  // namespace locknode::loadgen

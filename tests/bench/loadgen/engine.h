#pragma once

// locknode_loadgen's epoll engine: N non-blocking connections, each keeping its requests in
// flight (closed loop), on a fixed schedule (open loop) or filling keys; replies are counted
// and timed. Header-only: one translation unit (loadgen.cc) uses it.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "net/uring_batch.h"
#include "options.h"
#include "util.h"

namespace locknode::loadgen {

constexpr int kFillDepth = 64;  // pipeline depth of every fill (untimed setup, memory, expiry)

// kSemaphore: redis-semaphore's acquire script on one key (limit 10), then ZREM (its release);
// a refused acquire is retried at once. kSemFill: 10 holders on each of `total` / 10 keys.
// kTxCycle: SET NX PX, then StackExchange.Redis's transactional release of that key (below
// Redis 8.4): WATCH key + GET key in one write, then MULTI + DEL key + EXEC in one write.
enum class Mode {
  kAcquire,
  kContended,
  kRelease,
  kDelexRelease,
  kIncr,
  kCycle,
  kTxCycle,
  kLatency,
  kFill,
  kSemaphore,
  kSemFill
};

struct Conn {
  int fd = -1;
  std::string out;
  size_t out_off = 0;
  bool want_out = false;
  bool flush_queued = false;  // in Engine::to_flush_
  std::string in;
  int inflight = 0;
  std::vector<int64_t> sent;  // FIFO of send (or intended send) times
  size_t sent_head = 0;
  uint64_t rng = 0;
  std::string token;
  int phase = 0;  // cycle: 0 = acquiring, 1 = releasing (txcycle: 1 WATCH+GET, 2 MULTI..)
  bool phase_failed = false;  // txcycle: a reply of this phase was not the expected one
  std::string key;            // cycle: the key acquired
  bool held_next = true;      // release: alternate held / absent
  int64_t due_ns = 0;         // latency: next intended send
};

struct Counters {
  int64_t replies = 0, ok = 0, null = 0, one = 0, zero = 0, error = 0, cycles = 0;
  std::string first_error;
};

class Engine {
 public:
  Engine(const Options& o, Mode mode) : o_(o), mode_(mode) {
    ep_ = epoll_create1(0);
    held_token_ = Token(424242);
    if (o.io_uring) uring_ = locknode::net::UringBatch::Create(256, nullptr);
    if (uring_) recv_bufs_.resize(static_cast<size_t>(uring_->capacity()) * kRecvChunk);
  }
  bool uring_active() const { return uring_ != nullptr; }

  void Open(int n) {
    for (int i = 0; i < n; ++i) {
      Conn c;
      c.fd = Connect(o_.port);
      SetNonBlocking(c.fd);
      c.rng = 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(i + 1) ^ static_cast<uint64_t>(NowNs());
      c.token = Token(static_cast<uint64_t>(i) + 1);
      conns_.push_back(std::move(c));
    }
    for (size_t i = 0; i < conns_.size(); ++i) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u32 = static_cast<uint32_t>(i);
      epoll_ctl(ep_, EPOLL_CTL_ADD, conns_[i].fd, &ev);
    }
  }

  void set_sha(std::string sha) { sha_ = std::move(sha); }
  // Redisson RLock shape (--hash): acquire and release scripts' SHAs.
  void set_hash_shas(std::string acquire, std::string release) {
    hash_acquire_sha_ = std::move(acquire);
    sha_ = std::move(release);
  }
  void set_fill(std::string prefix, std::string token, int64_t px) {
    fill_prefix_ = std::move(prefix);
    fill_token_ = std::move(token);
    fill_px_ = std::to_string(px);
    fill_next_ = 0;
  }
  void set_mode(Mode m) { mode_ = m; }
  void set_held_keys(int64_t n) { held_keys_ = n; }
  Counters& counters() { return c_; }
  std::vector<int64_t>& latencies() { return lat_; }
  bool measuring = false;

  // Closed loop: keeps `pipeline` requests in flight per connection until `until_ns`.
  void RunFor(int64_t warmup_end_ns, int64_t until_ns, const std::function<void()>& on_measure) {
    const int depth = mode_ == Mode::kCycle || mode_ == Mode::kSemaphore || mode_ == Mode::kTxCycle
                          ? 1
                          : o_.pipeline;
    for (Conn& c : conns_) {
      for (int k = 0; k < depth; ++k) Issue(c, NowNs());
      Flush(c);
    }
    epoll_event evs[256];
    while (true) {
      const int64_t now = NowNs();
      if (!measuring && now >= warmup_end_ns) {
        measuring = true;
        c_ = Counters{};
        lat_.clear();
        on_measure();
      }
      if (now >= until_ns) break;
      const int n = epoll_wait(ep_, evs, 256, 10);
      HandleAll(evs, n);
    }
  }

  // Fill mode: `total` keys prefix<i>, `pipeline` deep per connection; returns when all replied.
  void Fill(int64_t total, Mode fill_mode = Mode::kFill) {
    mode_ = fill_mode;
    fill_total_ = total;
    measuring = true;
    for (Conn& c : conns_) {
      for (int k = 0; k < kFillDepth && fill_next_ < fill_total_; ++k) Issue(c, NowNs());
      Flush(c);
    }
    epoll_event evs[256];
    while (c_.replies < fill_total_) {
      const int n = epoll_wait(ep_, evs, 256, 100);
      HandleAll(evs, n);
    }
    if (c_.error > 0) {
      std::fprintf(stderr, "loadgen: fill got %" PRId64 " errors, first: %s\n", c_.error,
                   c_.first_error.c_str());
      std::exit(1);
    }
  }

  // Open loop at `rate` requests/s in total: each connection sends on its own schedule and a
  // request that finds its connection busy waits; latency counts from the intended send time.
  void RunAtRate(double rate, int64_t warmup_end_ns, int64_t until_ns,
                 const std::function<void()>& on_measure) {
    const int64_t interval = static_cast<int64_t>(1e9 * static_cast<double>(conns_.size()) / rate);
    const int64_t t0 = NowNs();
    for (size_t i = 0; i < conns_.size(); ++i) {
      conns_[i].due_ns =
          t0 + interval * static_cast<int64_t>(i) / static_cast<int64_t>(conns_.size());
    }
    interval_ = interval;
    epoll_event evs[256];
    while (true) {
      int64_t now = NowNs();
      if (!measuring && now >= warmup_end_ns) {
        measuring = true;
        c_ = Counters{};
        lat_.clear();
        on_measure();
      }
      if (now >= until_ns) break;
      int64_t next_due = until_ns;
      for (Conn& c : conns_) {
        if (c.inflight == 0 && c.due_ns <= now) {
          Issue(c, c.due_ns);
          c.due_ns += interval;
          Flush(c);
        }
        if (c.inflight == 0) next_due = std::min(next_due, c.due_ns);
      }
      const int64_t wait_ns = std::max<int64_t>(0, next_due - NowNs());
      timespec ts{static_cast<time_t>(wait_ns / 1'000'000'000),
                  static_cast<long>(wait_ns % 1'000'000'000)};
      const int n = epoll_pwait2(ep_, evs, 256, &ts, nullptr);
      HandleAll(evs, n);
    }
  }

  void CloseAll() {
    for (Conn& c : conns_) close(c.fd);
    conns_.clear();
  }

 private:
  static int64_t WallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::string Key(std::string_view prefix, uint64_t n) {
    std::string k(prefix);
    k += std::to_string(n);
    return k;
  }

  void Issue(Conn& c, int64_t stamp) {
    switch (mode_) {
      case Mode::kAcquire:
      case Mode::kLatency:
        AppendCommand(c.out, {"SET", Key("lock:", NextRand(c.rng) % static_cast<uint64_t>(o_.keys)),
                              c.token, "NX", "PX", px_});
        break;
      case Mode::kContended:
        AppendCommand(c.out, {"SET", "lock:contended", c.token, "NX", "PX", px_});
        break;
      case Mode::kRelease:
        if (c.held_next) {
          const uint64_t k = static_cast<uint64_t>(held_cursor_++ % held_keys_);
          AppendCommand(c.out, {"EVALSHA", sha_, "1", Key("lock:h:", k), held_token_});
        } else {
          AppendCommand(
              c.out, {"EVALSHA", sha_, "1",
                      Key("lock:a:", NextRand(c.rng) % static_cast<uint64_t>(o_.keys)), c.token});
        }
        c.held_next = !c.held_next;
        break;
      case Mode::kDelexRelease:  // the same releases as kRelease, as Redis 8.4's DELEX IFEQ
        if (c.held_next) {
          const uint64_t k = static_cast<uint64_t>(held_cursor_++ % held_keys_);
          AppendCommand(c.out, {"DELEX", Key("lock:h:", k), "IFEQ", held_token_});
        } else {
          AppendCommand(c.out,
                        {"DELEX", Key("lock:a:", NextRand(c.rng) % static_cast<uint64_t>(o_.keys)),
                         "IFEQ", c.token});
        }
        c.held_next = !c.held_next;
        break;
      case Mode::kIncr:  // fencing-token style counters: INCR counter:<random in keys>
        AppendCommand(c.out,
                      {"INCR", Key("counter:", NextRand(c.rng) % static_cast<uint64_t>(o_.keys))});
        break;
      case Mode::kCycle:
        if (c.phase == 0) {
          c.key = Key("lock:", NextRand(c.rng) % static_cast<uint64_t>(o_.keys));
          if (o_.hash) {
            AppendCommand(c.out, {"EVALSHA", hash_acquire_sha_, "1", c.key, px_, c.token});
          } else {
            AppendCommand(c.out, {"SET", c.key, c.token, "NX", "PX", px_});
          }
        } else if (o_.hash) {
          // Redisson's unlock: KEYS lock, channel, unlock latch; ARGV message, lease, holder,
          // the publish command (to a channel nobody subscribes to), latch timeout.
          AppendCommand(c.out,
                        {"EVALSHA", sha_, "3", c.key, "redisson_lock__channel:{" + c.key + "}",
                         "redisson_unlock_latch:{" + c.key + "}:" + c.token, "0", px_, c.token,
                         "publish", "13500"});
        } else {
          AppendCommand(c.out, {"EVALSHA", sha_, "1", c.key, c.token});
        }
        break;
      case Mode::kSemaphore:
        if (c.phase == 0) {
          AppendCommand(c.out, {"EVALSHA", sha_, "1", "semaphore:bench", "10", c.token, px_,
                                std::to_string(WallMs())});
        } else {
          AppendCommand(c.out, {"ZREM", "semaphore:bench", c.token});
        }
        break;
      case Mode::kSemFill:
        AppendCommand(
            c.out, {"EVALSHA", sha_, "1", Key("semaphore:", static_cast<uint64_t>(fill_next_ / 10)),
                    "10", Token(static_cast<uint64_t>(fill_next_ % 10) + 1), fill_px_,
                    std::to_string(WallMs())});
        ++fill_next_;
        break;
      case Mode::kTxCycle:
        IssueTx(c, stamp);
        return;  // stamps pushed per command
      case Mode::kFill:
        fill_last_send_ns_ = stamp;
        if (o_.hash) {
          AppendCommand(c.out, {"EVALSHA", hash_acquire_sha_, "1",
                                Key(fill_prefix_, static_cast<uint64_t>(fill_next_++)), fill_px_,
                                fill_token_});
        } else {
          AppendCommand(c.out, {"SET", Key(fill_prefix_, static_cast<uint64_t>(fill_next_++)),
                                fill_token_, "NX", "PX", fill_px_});
        }
        break;
    }
    c.sent.push_back(stamp);
    ++c.inflight;
  }

  // One phase of the transactional cycle: every command is its own request (own stamp).
  void IssueTx(Conn& c, int64_t stamp) {
    auto push = [&](std::initializer_list<std::string_view> args) {
      AppendCommand(c.out, args);
      c.sent.push_back(stamp);
      ++c.inflight;
    };
    c.phase_failed = false;
    if (c.phase == 0) {
      c.key = Key("lock:", NextRand(c.rng) % static_cast<uint64_t>(o_.keys));
      push({"SET", c.key, c.token, "NX", "PX", px_});
    } else if (c.phase == 1) {
      push({"WATCH", c.key});
      push({"GET", c.key});
    } else {
      push({"MULTI"});
      push({"DEL", c.key});
      push({"EXEC"});
    }
  }

  // txcycle: after the last reply of a phase, the next phase (or the next cycle).
  void OnTxReply(Conn& c, const Reply& r, int64_t now) {
    if (c.phase == 0 && r.kind != Kind::kSimple) c.phase_failed = true;  // NX lost: retry
    if (c.phase == 1 && r.kind == Kind::kBulk && r.text != c.token) c.phase_failed = true;
    if (c.phase == 2 && r.kind == Kind::kNull) c.phase_failed = true;  // EXEC: watch failed
    if (c.inflight > 0) return;
    if (c.phase_failed) {
      c.phase = 0;
    } else if (c.phase == 2) {
      if (measuring) ++c_.cycles;
      c.phase = 0;
    } else {
      ++c.phase;
    }
    Issue(c, now);
  }

  void Flush(Conn& c) {
    while (c.out_off < c.out.size()) {
      const ssize_t n =
          send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;
        std::perror("loadgen: send");
        std::exit(1);
      }
      c.out_off += static_cast<size_t>(n);
    }
    const bool pending = c.out_off < c.out.size();
    if (!pending) {
      c.out.clear();
      c.out_off = 0;
    }
    if (pending != c.want_out) {
      c.want_out = pending;
      epoll_event ev{};
      ev.events = pending ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
      ev.data.u32 = static_cast<uint32_t>(&c - conns_.data());
      epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
    }
  }

  // Reads every ready connection first and sends the new requests after, one write per
  // connection (Redis's beforeSleep order): the burst of requests reaches the server together,
  // and the generator spends one pass, not one wake-up, per batch of replies. With io_uring
  // the reads of the pass are one kernel entry, and so are the writes.
  void HandleAll(const epoll_event* evs, int n) {
    if (uring_) {
      BatchedReads(evs, n);
      BatchedSends();
    } else {
      for (int i = 0; i < n; ++i) Handle(conns_[evs[i].data.u32], evs[i].events);
    }
    for (uint32_t i : to_flush_) {
      conns_[i].flush_queued = false;
      Flush(conns_[i]);  // what the batch did not take, and the plain-syscall path
    }
    to_flush_.clear();
  }

  void BatchedReads(const epoll_event* evs, int n) {
    for (int i = 0; i < n; ++i) {
      Conn& c = conns_[evs[i].data.u32];
      if ((evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) == 0) {
        QueueFlush(c);
        continue;
      }
      uring_->PrepRecv(c.fd, &recv_bufs_[static_cast<size_t>(i) * kRecvChunk], kRecvChunk,
                       static_cast<uint32_t>(i));
    }
    uring_->Run([&](uint32_t i, int32_t res) {
      Conn& c = conns_[evs[i].data.u32];
      OnBytes(c, &recv_bufs_[static_cast<size_t>(i) * kRecvChunk], res < 0 ? -1 : res,
              res < 0 ? -res : 0);
    });
  }

  void BatchedSends() {
    for (uint32_t i : to_flush_) {
      Conn& c = conns_[i];
      if (c.out_off < c.out.size() && !c.want_out) {
        if (uring_->queued() == uring_->capacity()) RunSends();
        uring_->PrepSend(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, i);
      }
    }
    RunSends();
  }

  void RunSends() {
    uring_->Run([&](uint32_t i, int32_t res) {
      if (res > 0) conns_[i].out_off += static_cast<size_t>(res);
      // A refusal (EAGAIN, or an error) is left to Flush, which retries or reports it.
    });
  }

  void QueueFlush(Conn& c) {
    if (!c.flush_queued) {
      c.flush_queued = true;
      to_flush_.push_back(static_cast<uint32_t>(&c - conns_.data()));
    }
  }

  // `n` bytes of `buf` arrived (n == 0: closed; n < 0: error `err`, EAGAIN tolerated).
  void OnBytes(Conn& c, const char* buf, ssize_t n, int err) {
    if (n == 0 || (n < 0 && err != EAGAIN && err != EINTR)) {
      std::fprintf(stderr, "loadgen: server closed a connection\n");
      std::exit(1);
    }
    if (n > 0) {
      c.in.append(buf, static_cast<size_t>(n));
      size_t pos = 0;
      const int64_t now = NowNs();
      while (true) {
        Reply r;
        const size_t used = ParseReply(c.in, pos, &r);
        if (used == 0) break;
        pos += used;
        OnReply(c, r, now);
      }
      c.in.erase(0, pos);
    }
    QueueFlush(c);
  }

  void Handle(Conn& c, uint32_t events) {
    if (events & EPOLLIN) {
      char buf[65536];
      const ssize_t n = recv(c.fd, buf, sizeof buf, 0);
      OnBytes(c, buf, n, n < 0 ? errno : 0);
    } else {
      QueueFlush(c);
    }
  }

  void OnReply(Conn& c, const Reply& r, int64_t now) {
    const int64_t stamp = c.sent[c.sent_head++];
    if (c.sent_head == c.sent.size()) {
      c.sent.clear();
      c.sent_head = 0;
    }
    --c.inflight;
    if (measuring) {
      ++c_.replies;
      lat_.push_back(now - stamp);
      switch (r.kind) {
        case Kind::kSimple:
          ++c_.ok;
          break;
        case Kind::kNull:
          ++c_.null;
          break;
        case Kind::kInt:
          ++(r.integer == 1 ? c_.one : c_.zero);
          break;
        case Kind::kError:
          if (c_.error++ == 0) c_.first_error = std::string(r.text);
          break;
        default:
          break;
      }
    }
    switch (mode_) {
      case Mode::kAcquire:
      case Mode::kContended:
      case Mode::kRelease:
      case Mode::kDelexRelease:
      case Mode::kIncr:
        Issue(c, now);
        break;
      case Mode::kCycle:
        if (c.phase == 0) {
          // Acquired: SET's +OK, or the tryLock script's nil.
          if (r.kind == (o_.hash ? Kind::kNull : Kind::kSimple)) c.phase = 1;
        } else {
          if (measuring && r.kind == Kind::kInt && r.integer == 1) ++c_.cycles;
          c.phase = 0;
        }
        Issue(c, now);
        break;
      case Mode::kSemaphore:
        if (c.phase == 0) {
          if (r.kind == Kind::kInt && r.integer == 1) c.phase = 1;
        } else {
          if (measuring) ++c_.cycles;
          c.phase = 0;
        }
        Issue(c, now);
        break;
      case Mode::kTxCycle:
        OnTxReply(c, r, now);
        break;
      case Mode::kLatency:
        if (c.due_ns <= now) {  // late: the next request was already due
          Issue(c, c.due_ns);
          c.due_ns += interval_;
        }
        break;
      case Mode::kFill:
      case Mode::kSemFill:
        if (fill_next_ < fill_total_) Issue(c, now);
        break;
    }
  }

 public:
  std::string px_ = "30000";

 private:
  const Options& o_;
  Mode mode_;
  int ep_ = -1;
  std::vector<Conn> conns_;
  std::vector<uint32_t> to_flush_;  // connections with requests to send after this pass
  static constexpr size_t kRecvChunk = 64 * 1024;
  std::unique_ptr<locknode::net::UringBatch> uring_;  // null: one system call per recv/send
  std::vector<char> recv_bufs_;                       // kRecvChunk per event of a pass
  Counters c_;
  std::vector<int64_t> lat_;
  std::string sha_;
  std::string hash_acquire_sha_;
  std::string held_token_;
  int64_t held_keys_ = 1;
  int64_t held_cursor_ = 0;
  std::string fill_prefix_ = "lock:";
  std::string fill_token_;
  std::string fill_px_ = "30000";
  int64_t fill_next_ = 0;
  int64_t fill_total_ = 0;
  int64_t interval_ = 0;

 public:
  int64_t fill_last_send_ns_ = 0;  // when the last fill SET was issued
};

}  // namespace locknode::loadgen

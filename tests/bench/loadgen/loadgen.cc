// locknode_loadgen: a single-threaded epoll RESP load generator for the side-by-side benchmark
// (tests/bench/run.sh). It drives one server over N connections, P requests deep, and measures
// what redis-benchmark cannot: acquire-then-release cycles per client, releases of held keys,
// fixed-rate (open-loop) latency, memory per lock / per idle connection, and expiry reclaim.
//
// Every run prints one JSON object on stdout. Besides ops/s and latency percentiles it reports
// the server's CPU (utime+stime from /proc/<pid>/stat, all threads) and the generator's own CPU
// (getrusage) over the measured interval, so a saturated generator is visible.
//
//   locknode_loadgen --port P --pid PID --mode MODE [--clients 50] [--pipeline 1]
//                    [--seconds 3] [--warmup 0.5] [--keys 1000000] [--px 30000] [--rate 20000]
//                    [--sha SHA] [--idle-conns 10000]
//
// Modes: acquire, contended, release, cycle, latency (throughput / latency);
//        memory, expiry, idle (resource measurements). See Usage() below.
#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include "net/uring_batch.h"

namespace {

// ---------------------------------------------------------------------------------------------
// Time, CPU, memory

int64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// utime + stime of a whole process (all threads), in seconds. -1 if unreadable.
double ProcCpuSeconds(int pid) {
  if (pid <= 0) return -1;
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t rp = s.rfind(')');
  if (rp == std::string::npos) return -1;
  std::istringstream in(s.substr(rp + 2));
  std::string field;
  // After "pid (comm) ": field 3 (state) is index 0; utime is field 14, stime field 15.
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// VmRSS of a process in bytes. -1 if unreadable.
int64_t ProcRssBytes(int pid) {
  if (pid <= 0) return -1;
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoll(line.c_str() + 6, nullptr, 10) * 1024;
  }
  return -1;
}

double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// RESP

void AppendBulk(std::string& out, std::string_view s) {
  out += '$';
  out += std::to_string(s.size());
  out += "\r\n";
  out.append(s);
  out += "\r\n";
}

void AppendCommand(std::string& out, std::initializer_list<std::string_view> args) {
  out += '*';
  out += std::to_string(args.size());
  out += "\r\n";
  for (std::string_view a : args) AppendBulk(out, a);
}

enum class Kind { kSimple, kError, kInt, kBulk, kNull, kArray };
struct Reply {
  Kind kind = Kind::kNull;
  int64_t integer = 0;
  std::string_view text;  // simple/error/bulk payload (valid until the buffer changes)
};

// Parses one reply at buf[pos..]; returns bytes consumed, or 0 if incomplete.
size_t ParseReply(std::string_view buf, size_t pos, Reply* r) {
  if (pos >= buf.size()) return 0;
  const size_t eol = buf.find("\r\n", pos);
  if (eol == std::string_view::npos) return 0;
  const char type = buf[pos];
  std::string_view line = buf.substr(pos + 1, eol - pos - 1);
  size_t used = eol + 2 - pos;
  switch (type) {
    case '+':
      r->kind = Kind::kSimple;
      r->text = line;
      return used;
    case '-':
      r->kind = Kind::kError;
      r->text = line;
      return used;
    case ':':
      r->kind = Kind::kInt;
      r->integer = std::strtoll(line.data(), nullptr, 10);
      return used;
    case '_':
      r->kind = Kind::kNull;
      return used;
    case '$': {
      const int64_t len = std::strtoll(line.data(), nullptr, 10);
      if (len < 0) {
        r->kind = Kind::kNull;
        return used;
      }
      if (buf.size() < eol + 2 + static_cast<size_t>(len) + 2) return 0;
      r->kind = Kind::kBulk;
      r->text = buf.substr(eol + 2, static_cast<size_t>(len));
      return used + static_cast<size_t>(len) + 2;
    }
    case '*': {
      const int64_t n = std::strtoll(line.data(), nullptr, 10);
      size_t at = eol + 2;
      for (int64_t i = 0; i < n; ++i) {
        Reply sub;
        const size_t u = ParseReply(buf, at, &sub);
        if (u == 0) return 0;
        at += u;
      }
      r->kind = n < 0 ? Kind::kNull : Kind::kArray;
      r->integer = n;
      return at - pos;
    }
    default:
      std::fprintf(stderr, "loadgen: protocol error, reply type byte %d\n", type);
      std::exit(2);
  }
}

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
  int port = 6379;
  int pid = 0;
  std::string mode = "acquire";
  int clients = 50;
  int pipeline = 1;
  double seconds = 3;
  double warmup = 0.5;
  int64_t keys = 1'000'000;
  int64_t px = 30000;
  double rate = 20000;
  std::string sha;
  int idle_conns = 10000;
  bool io_uring = true;  // batch the generator's recv/send calls (net/uring_batch.h)
};

[[noreturn]] void Usage() {
  std::fprintf(
      stderr,
      "usage: locknode_loadgen --port P [--pid SERVER_PID] --mode MODE [options]\n"
      "modes:\n"
      "  acquire    SET lock:<random in keys> <36-byte token> NX PX px\n"
      "  contended  the same SET, every client on lock:contended\n"
      "  release    EVALSHA sha 1 key token: half on held keys (prefilled, matching token),\n"
      "             half on absent keys\n"
      "  cycle      per client: SET NX PX, then EVALSHA release of that key (pipeline 1)\n"
      "  latency    acquire at a fixed total --rate (open loop, latency from intended send)\n"
      "  memory     fill --keys locks lock:<i> PX --px; resident bytes per lock\n"
      "  expiry     fill --keys locks PX --px; time until DBSIZE is 0 after the last deadline\n"
      "  idle       --idle-conns connections (one PING each); bytes per connection, PING latency\n"
      "options: --clients 50 --pipeline 1 --seconds 3 --warmup 0.5 --keys 1000000 --px 30000\n"
      "         --rate 20000 --sha SHA --idle-conns 10000 --io-uring yes|no\n"
      "The generator batches its recv/send calls through io_uring (as locknode does) unless\n"
      "--io-uring no or the kernel refuses; otherwise it would run out of CPU before a fast\n"
      "server does.\n");
  std::exit(64);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) Usage();
    const char* v = argv[++i];
    if (a == "--port")
      o.port = std::atoi(v);
    else if (a == "--pid")
      o.pid = std::atoi(v);
    else if (a == "--mode")
      o.mode = v;
    else if (a == "--clients")
      o.clients = std::atoi(v);
    else if (a == "--pipeline")
      o.pipeline = std::atoi(v);
    else if (a == "--seconds")
      o.seconds = std::atof(v);
    else if (a == "--warmup")
      o.warmup = std::atof(v);
    else if (a == "--keys")
      o.keys = std::atoll(v);
    else if (a == "--px")
      o.px = std::atoll(v);
    else if (a == "--rate")
      o.rate = std::atof(v);
    else if (a == "--sha")
      o.sha = v;
    else if (a == "--idle-conns")
      o.idle_conns = std::atoi(v);
    else if (a == "--io-uring")
      o.io_uring = std::string_view(v) != "no";
    else
      Usage();
  }
  if (o.clients < 1 || o.pipeline < 1 || o.keys < 1) Usage();
  return o;
}

// ---------------------------------------------------------------------------------------------
// Connections and blocking helpers

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    std::perror("loadgen: socket");
    std::exit(1);
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("loadgen: connect");
    std::exit(1);
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      std::perror("loadgen: send");
      std::exit(1);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

struct OwnedReply {
  Kind kind = Kind::kNull;
  int64_t integer = 0;
  std::string text;
};

// Sends one command on a blocking socket and waits for its reply.
OwnedReply Sync(int fd, std::initializer_list<std::string_view> args) {
  std::string out;
  AppendCommand(out, args);
  WriteAll(fd, out);
  std::string in;
  char buf[4096];
  while (true) {
    Reply r;
    if (ParseReply(in, 0, &r) != 0) return {r.kind, r.integer, std::string(r.text)};
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      std::fprintf(stderr, "loadgen: connection closed by server\n");
      std::exit(1);
    }
    in.append(buf, static_cast<size_t>(n));
  }
}

void SleepMs(int ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1'000'000L};
  nanosleep(&ts, nullptr);
}

// redis-py's Lock release script (COMPAT.md §2.1), byte for byte, as in fast_path_ab.sh.
constexpr std::string_view kReleaseScript =
    "\n        local token = redis.call('get', KEYS[1])\n"
    "        if not token or token ~= ARGV[1] then\n"
    "            return 0\n"
    "        end\n"
    "        redis.call('del', KEYS[1])\n"
    "        return 1\n    ";

// A 36-byte token shaped like a UUID, distinct per seed.
std::string Token(uint64_t seed) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08" PRIx64 "-%04x-4%03x-a%03x-%012" PRIx64,
                static_cast<uint64_t>(seed * 2654435761ULL & 0xffffffffULL),
                static_cast<unsigned>(seed & 0xffff), static_cast<unsigned>((seed >> 16) & 0xfff),
                static_cast<unsigned>(seed & 0xfff),
                static_cast<uint64_t>((seed * 0x9E3779B97F4A7C15ULL) & 0xffffffffffffULL));
  return std::string(buf, 36);
}

uint64_t NextRand(uint64_t& s) {  // xorshift64*
  s ^= s >> 12;
  s ^= s << 25;
  s ^= s >> 27;
  return s * 2685821657736338717ULL;
}

// ---------------------------------------------------------------------------------------------
// JSON output (flat object, values pre-rendered)

class Json {
 public:
  void Num(const std::string& k, double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.6g", v);
    Raw(k, b);
  }
  void Int(const std::string& k, int64_t v) { Raw(k, std::to_string(v)); }
  void Str(const std::string& k, const std::string& v) {
    std::string e = "\"";
    for (char ch : v) {
      if (ch == '"' || ch == '\\') e += '\\';
      if (static_cast<unsigned char>(ch) >= 0x20) e += ch;
    }
    Raw(k, e + "\"");
  }
  void Raw(const std::string& k, const std::string& v) {
    body_ += body_.empty() ? "" : ", ";
    body_ += "\"" + k + "\": " + v;
  }
  std::string str() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
};

// ---------------------------------------------------------------------------------------------
// The epoll engine

constexpr int kFillDepth = 64;  // pipeline depth of every fill (untimed setup, memory, expiry)

enum class Mode { kAcquire, kContended, kRelease, kCycle, kLatency, kFill };

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
  int phase = 0;          // cycle: 0 = acquiring, 1 = releasing
  std::string key;        // cycle: the key acquired
  bool held_next = true;  // release: alternate held / absent
  int64_t due_ns = 0;     // latency: next intended send
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
    const int depth = mode_ == Mode::kCycle ? 1 : o_.pipeline;
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
  void Fill(int64_t total) {
    mode_ = Mode::kFill;
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
      case Mode::kCycle:
        if (c.phase == 0) {
          c.key = Key("lock:", NextRand(c.rng) % static_cast<uint64_t>(o_.keys));
          AppendCommand(c.out, {"SET", c.key, c.token, "NX", "PX", px_});
        } else {
          AppendCommand(c.out, {"EVALSHA", sha_, "1", c.key, c.token});
        }
        break;
      case Mode::kFill:
        fill_last_send_ns_ = stamp;
        AppendCommand(c.out, {"SET", Key(fill_prefix_, static_cast<uint64_t>(fill_next_++)),
                              fill_token_, "NX", "PX", fill_px_});
        break;
    }
    c.sent.push_back(stamp);
    ++c.inflight;
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
        Issue(c, now);
        break;
      case Mode::kCycle:
        if (c.phase == 0) {
          if (r.kind == Kind::kSimple) c.phase = 1;
        } else {
          if (measuring && r.kind == Kind::kInt && r.integer == 1) ++c_.cycles;
          c.phase = 0;
        }
        Issue(c, now);
        break;
      case Mode::kLatency:
        if (c.due_ns <= now) {  // late: the next request was already due
          Issue(c, c.due_ns);
          c.due_ns += interval_;
        }
        break;
      case Mode::kFill:
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
  std::vector<uint32_t> to_flush_;
  static constexpr size_t kRecvChunk = 64 * 1024;
  std::unique_ptr<locknode::net::UringBatch> uring_;  // null: one system call per recv/send
  std::vector<char> recv_bufs_;  // kRecvChunk per event of a pass  // connections with requests to
                                 // send after this pass
  Counters c_;
  std::vector<int64_t> lat_;
  std::string sha_;
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

void AddPercentiles(Json& j, std::vector<int64_t>& lat) {
  if (lat.empty()) return;
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double q) {
    size_t i = static_cast<size_t>(q * static_cast<double>(lat.size()));
    return static_cast<double>(lat[std::min(i, lat.size() - 1)]) / 1000.0;
  };
  j.Num("p50_us", pct(0.50));
  j.Num("p99_us", pct(0.99));
  j.Num("p999_us", pct(0.999));
  j.Num("max_us", static_cast<double>(lat.back()) / 1000.0);
}

std::string LoadReleaseScript(int port) {
  const int fd = Connect(port);
  OwnedReply r = Sync(fd, {"SCRIPT", "LOAD", kReleaseScript});
  close(fd);
  if (r.kind != Kind::kBulk) {
    std::fprintf(stderr, "loadgen: SCRIPT LOAD failed: %s\n", r.text.c_str());
    std::exit(1);
  }
  return r.text;
}

int64_t DbSize(int fd) { return Sync(fd, {"DBSIZE"}).integer; }

// ---------------------------------------------------------------------------------------------
// Modes

int RunThroughput(const Options& o, Mode mode) {
  Engine e(o, mode);
  e.px_ = std::to_string(o.px);
  if (mode == Mode::kRelease || mode == Mode::kCycle) e.set_sha(LoadReleaseScript(o.port));
  e.Open(o.clients);
  Json j;
  if (mode == Mode::kRelease) {
    // Held keys: lock:h:<i> with the shared held token, enough for every measured release.
    const int64_t t = NowNs();
    e.set_fill("lock:h:", Token(424242), 600000);
    e.Fill(o.keys);
    j.Num("prefill_s", static_cast<double>(NowNs() - t) / 1e9);
    e.counters() = Counters{};
    e.set_mode(Mode::kRelease);
    e.set_held_keys(o.keys);
    e.measuring = false;
  }
  double srv0 = 0, gen0 = 0;
  int64_t t0 = 0;
  auto on_measure = [&] {
    srv0 = ProcCpuSeconds(o.pid);
    gen0 = SelfCpuSeconds();
    t0 = NowNs();
  };
  const int64_t start = NowNs();
  const int64_t warm = start + static_cast<int64_t>(o.warmup * 1e9);
  const int64_t end = warm + static_cast<int64_t>(o.seconds * 1e9);
  if (mode == Mode::kLatency) {
    e.RunAtRate(o.rate, warm, end, on_measure);
  } else {
    e.RunFor(warm, end, on_measure);
  }
  const double wall = static_cast<double>(NowNs() - t0) / 1e9;
  const double srv = ProcCpuSeconds(o.pid) - srv0;
  const double gen = SelfCpuSeconds() - gen0;
  e.CloseAll();
  const Counters& c = e.counters();
  const int64_t ops = mode == Mode::kCycle ? c.cycles : c.replies;
  j.Str("mode", o.mode);
  j.Int("clients", o.clients);
  j.Int("pipeline", mode == Mode::kCycle || mode == Mode::kLatency ? 1 : o.pipeline);
  j.Num("seconds", wall);
  j.Int("ops", ops);
  j.Num("ops_per_sec", static_cast<double>(ops) / wall);
  j.Int("replies", c.replies);
  if (mode == Mode::kLatency) j.Num("target_rate", o.rate);
  j.Num("server_cpu_s", srv);
  j.Num("server_cpu_pct", 100.0 * srv / wall);
  if (ops > 0) j.Num("server_cpu_us_per_op", 1e6 * srv / static_cast<double>(ops));
  j.Num("gen_cpu_s", gen);
  j.Num("gen_cpu_pct", 100.0 * gen / wall);
  j.Str("gen_io", e.uring_active() ? "io_uring" : "syscalls");
  j.Int("ok", c.ok);
  j.Int("nil", c.null);
  j.Int("int1", c.one);
  j.Int("int0", c.zero);
  j.Int("errors", c.error);
  if (c.error > 0) j.Str("first_error", c.first_error);
  AddPercentiles(j, e.latencies());
  std::printf("%s\n", j.str().c_str());
  return c.error > 0 ? 1 : 0;
}

int RunMemoryOrExpiry(const Options& o, bool expiry) {
  const int ctl = Connect(o.port);
  Engine e(o, Mode::kFill);
  e.Open(o.clients);
  e.set_fill("lock:", Token(7), o.px);
  DbSize(ctl);
  SleepMs(200);
  const int64_t rss0 = ProcRssBytes(o.pid);
  const double srv0 = ProcCpuSeconds(o.pid);
  const double gen0 = SelfCpuSeconds();
  const int64_t t0 = NowNs();
  e.Fill(o.keys);
  const int64_t t_fill = NowNs();
  const double srv_fill = ProcCpuSeconds(o.pid);
  const double gen_fill = SelfCpuSeconds();
  Json j;
  j.Str("mode", o.mode);
  j.Int("keys", o.keys);
  j.Int("px", o.px);
  j.Num("fill_s", static_cast<double>(t_fill - t0) / 1e9);
  j.Num("fill_ops_per_sec", static_cast<double>(o.keys) / (static_cast<double>(t_fill - t0) / 1e9));
  j.Num("fill_server_cpu_s", srv_fill - srv0);
  j.Num("fill_gen_cpu_s", gen_fill - gen0);
  e.CloseAll();
  if (!expiry) {
    SleepMs(300);
    const int64_t rss1 = ProcRssBytes(o.pid);
    const int64_t n = DbSize(ctl);
    j.Int("dbsize", n);
    j.Int("rss_before", rss0);
    j.Int("rss_after", rss1);
    j.Num("bytes_per_lock", static_cast<double>(rss1 - rss0) / static_cast<double>(o.keys));
  } else {
    // The last SET was sent at fill_last_send_ns_, so the last deadline is at or after that
    // + px (and before t_fill + px): nothing can be reclaimed before it, and the lag measured
    // from it is never negative (resolution: the 5 ms DBSIZE poll, plus the fill's last batch).
    const int64_t deadline = e.fill_last_send_ns_ + o.px * 1'000'000;
    j.Num("last_deadline_uncertainty_ms", static_cast<double>(t_fill - e.fill_last_send_ns_) / 1e6);
    int64_t at_deadline = -1, t_zero = -1;
    const int64_t give_up = deadline + 120'000'000'000LL;
    while (NowNs() < give_up) {
      const int64_t n = DbSize(ctl);
      if (at_deadline < 0 && NowNs() >= deadline) at_deadline = n;
      if (n == 0) {
        t_zero = NowNs();
        break;
      }
      SleepMs(5);
    }
    const double srv1 = ProcCpuSeconds(o.pid);
    j.Int("dbsize_at_last_deadline", at_deadline);
    j.Num("reclaim_after_deadline_ms",
          t_zero < 0 ? -1.0 : static_cast<double>(t_zero - deadline) / 1e6);
    j.Num("reclaim_server_cpu_s", srv1 - srv_fill);  // after the fill only
    // From the first SET to DBSIZE 0: includes the fill and whatever expired during it (a fill
    // slower than px expires keys while filling). The driver subtracts the same fill's CPU
    // measured by the memory workload (PX 600000, nothing expires) to get the expiry's own cost.
    j.Num("total_server_cpu_s", srv1 - srv0);
    j.Num("observed_s", static_cast<double>(NowNs() - t_fill) / 1e9);
    if (t_zero < 0) j.Str("error", "keys not reclaimed within 120 s of the deadline");
  }
  close(ctl);
  std::printf("%s\n", j.str().c_str());
  return 0;
}

// Serial PINGs on one connection for `seconds`; returns latencies in ns.
std::vector<int64_t> PingLoop(int fd, double seconds) {
  std::vector<int64_t> lat;
  const int64_t end = NowNs() + static_cast<int64_t>(seconds * 1e9);
  while (NowNs() < end) {
    const int64_t t = NowNs();
    Sync(fd, {"PING"});
    lat.push_back(NowNs() - t);
  }
  return lat;
}

int RunIdle(const Options& o) {
  const int ping = Connect(o.port);
  Sync(ping, {"PING"});
  std::vector<int64_t> before = PingLoop(ping, std::min(1.0, o.seconds));
  SleepMs(200);
  const int64_t rss0 = ProcRssBytes(o.pid);
  std::vector<int> fds;
  fds.reserve(static_cast<size_t>(o.idle_conns));
  const int64_t t0 = NowNs();
  for (int i = 0; i < o.idle_conns; ++i) {
    fds.push_back(Connect(o.port));
    if (Sync(fds.back(), {"PING"}).kind != Kind::kSimple) {
      std::fprintf(stderr, "loadgen: idle connection %d refused\n", i);
      return 1;
    }
  }
  const double open_s = static_cast<double>(NowNs() - t0) / 1e9;
  SleepMs(300);
  const int64_t rss1 = ProcRssBytes(o.pid);
  const double srv0 = ProcCpuSeconds(o.pid);
  const double gen0 = SelfCpuSeconds();
  const int64_t tp = NowNs();
  std::vector<int64_t> during = PingLoop(ping, o.seconds);
  const double wall = static_cast<double>(NowNs() - tp) / 1e9;
  Json j;
  j.Str("mode", "idle");
  j.Int("idle_conns", o.idle_conns);
  j.Num("open_s", open_s);
  j.Int("rss_before", rss0);
  j.Int("rss_after", rss1);
  j.Num("bytes_per_conn", static_cast<double>(rss1 - rss0) / o.idle_conns);
  j.Num("server_cpu_pct", 100.0 * (ProcCpuSeconds(o.pid) - srv0) / wall);
  j.Num("gen_cpu_pct", 100.0 * (SelfCpuSeconds() - gen0) / wall);
  j.Int("pings", static_cast<int64_t>(during.size()));
  AddPercentiles(j, during);
  std::sort(before.begin(), before.end());
  if (!before.empty()) {
    j.Num("p50_us_without_idle", static_cast<double>(before[before.size() / 2]) / 1000.0);
    j.Num("p99_us_without_idle",
          static_cast<double>(before[std::min(before.size() - 1, before.size() * 99 / 100)]) /
              1000.0);
  }
  for (int fd : fds) close(fd);
  close(ping);
  std::printf("%s\n", j.str().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  static const std::map<std::string, Mode> kThroughput = {{"acquire", Mode::kAcquire},
                                                          {"contended", Mode::kContended},
                                                          {"release", Mode::kRelease},
                                                          {"cycle", Mode::kCycle},
                                                          {"latency", Mode::kLatency}};
  if (auto it = kThroughput.find(o.mode); it != kThroughput.end())
    return RunThroughput(o, it->second);
  if (o.mode == "memory") return RunMemoryOrExpiry(o, false);
  if (o.mode == "expiry") return RunMemoryOrExpiry(o, true);
  if (o.mode == "idle") return RunIdle(o);
  Usage();
}

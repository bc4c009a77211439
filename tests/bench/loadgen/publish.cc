// The publish mode of locknode_loadgen: --clients publishers, each --pipeline PUBLISHes deep, on
// one channel with one subscriber that reads everything. Ops are messages the subscriber
// received in the measured interval; server CPU per op is what delivering one message costs
// (parse PUBLISH, find the subscriber, encode the message, write both sides). A plain poll()
// loop: the server, not this generator, is the side being measured (gen_cpu_pct shows if not).
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

constexpr std::string_view kChannel = "bench:releases";
// A lock name and token, the size of what a release script publishes.
constexpr size_t kPayloadBytes = 48;

std::string Encode(std::initializer_list<std::string_view> args) {
  std::string out;
  AppendCommand(out, args);  // util.h: the RESP encoding every workload sends
  return out;
}

struct Publisher {
  int fd = -1;
  size_t awaiting = 0;  // reply bytes still expected for the batch in flight
};

// Reads what is there; returns bytes read (0 if none), exits on EOF/error.
size_t Drain(int fd, std::vector<char>& buf) {
  size_t total = 0;
  for (;;) {
    const ssize_t n = recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n > 0) {
      total += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) {
      std::fprintf(stderr, "loadgen: server closed a publish-mode connection\n");
      std::exit(1);
    }
    return total;  // EAGAIN
  }
}

}  // namespace

int RunPublish(const Options& o) {
  const int sub = Connect(o.port);
  if (Sync(sub, {"SUBSCRIBE", kChannel}).kind != Kind::kArray) {
    std::fprintf(stderr, "loadgen: SUBSCRIBE failed\n");
    return 1;
  }
  SetNonBlocking(sub);
  const std::string payload(kPayloadBytes, 'r');
  const std::string one = Encode({"PUBLISH", kChannel, payload});
  std::string batch;
  for (int i = 0; i < o.pipeline; ++i) batch += one;
  const size_t reply_bytes = 4 * static_cast<size_t>(o.pipeline);  // ":1\r\n" each
  const size_t message_bytes = Encode({"message", kChannel, payload}).size();
  std::vector<Publisher> pubs(static_cast<size_t>(o.clients));
  for (Publisher& p : pubs) {
    p.fd = Connect(o.port);
    SetNonBlocking(p.fd);
  }
  std::vector<char> buf(1 << 16);
  std::vector<pollfd> fds;
  const int64_t start = NowNs();
  const int64_t warm = start + static_cast<int64_t>(o.warmup * 1e9);
  const int64_t end = warm + static_cast<int64_t>(o.seconds * 1e9);
  size_t sub_bytes = 0, sub_bytes_at_warm = 0;
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
      sub_bytes_at_warm = sub_bytes;
    }
    if (now >= end) break;
    for (Publisher& p : pubs) {
      if (p.awaiting == 0) {
        WriteAll(p.fd, batch);
        p.awaiting = reply_bytes;
      }
    }
    fds.clear();
    fds.push_back({sub, POLLIN, 0});
    for (const Publisher& p : pubs) fds.push_back({p.fd, POLLIN, 0});
    poll(fds.data(), fds.size(), 10);
    if (fds[0].revents != 0) sub_bytes += Drain(sub, buf);
    for (size_t i = 0; i < pubs.size(); ++i) {
      if (fds[i + 1].revents == 0) continue;
      const size_t n = Drain(pubs[i].fd, buf);
      pubs[i].awaiting -= std::min(n, pubs[i].awaiting);
    }
  }
  const double wall = static_cast<double>(NowNs() - t0) / 1e9;
  const double srv = ProcCpuSeconds(o.pid) - srv0;
  const double gen = SelfCpuSeconds() - gen0;
  const auto ops = static_cast<int64_t>((sub_bytes - sub_bytes_at_warm) / message_bytes);
  for (const Publisher& p : pubs) close(p.fd);
  close(sub);
  return PrintRateResult("publish", o, wall, ops, srv, gen);
}

int PrintRateResult(std::string_view mode, const Options& o, double wall, int64_t ops,
                    double server_cpu, double gen_cpu) {
  Json j;
  j.Str("mode", std::string(mode));
  j.Int("clients", o.clients);
  j.Int("pipeline", o.pipeline);
  j.Num("seconds", wall);
  j.Int("ops", ops);
  j.Num("ops_per_sec", static_cast<double>(ops) / wall);
  j.Num("server_cpu_s", server_cpu);
  j.Num("server_cpu_pct", 100.0 * server_cpu / wall);
  if (ops > 0) j.Num("server_cpu_us_per_op", 1e6 * server_cpu / static_cast<double>(ops));
  j.Num("gen_cpu_s", gen_cpu);
  j.Num("gen_cpu_pct", 100.0 * gen_cpu / wall);
  std::printf("%s\n", j.str().c_str());
  return ops > 0 ? 0 : 1;
}

}  // namespace locknode::loadgen

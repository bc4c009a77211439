#include "util.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/resp_reply.h"

namespace locknode::loadgen {

int64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

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

void SleepMs(int ms) {
  timespec ts{ms / 1000, (ms % 1000) * 1'000'000L};
  nanosleep(&ts, nullptr);
}

namespace {

void AppendBulk(std::string& out, std::string_view s) {
  out += '$';
  out += std::to_string(s.size());
  out += "\r\n";
  out.append(s);
  out += "\r\n";
}

}  // namespace

void AppendCommand(std::string& out, std::initializer_list<std::string_view> args) {
  out += '*';
  out += std::to_string(args.size());
  out += "\r\n";
  for (std::string_view a : args) AppendBulk(out, a);
}

size_t ParseReply(std::string_view buf, size_t pos, Reply* r) {
  locknode::test::RespValue v;
  const long used = locknode::test::ReadReply(buf.substr(pos), &v);
  if (used < 0) {
    const std::string_view bad = buf.substr(pos, 40);
    std::fprintf(stderr, "loadgen: malformed reply: %.*s\n", static_cast<int>(bad.size()),
                 bad.data());
    std::exit(2);
  }
  if (used == 0) return 0;
  r->integer = v.number;
  r->text = v.text;
  switch (v.type) {
    case '+':
      r->kind = Kind::kSimple;
      break;
    case '-':
      r->kind = Kind::kError;
      break;
    case ':':
      r->kind = Kind::kInt;
      break;
    case '$':
      r->kind = v.null ? Kind::kNull : Kind::kBulk;
      break;
    case '*':
      r->kind = v.null ? Kind::kNull : Kind::kArray;
      break;
    default:
      r->kind = Kind::kNull;  // '_' (RESP3 null); the generator speaks RESP2 otherwise
      break;
  }
  return static_cast<size_t>(used);
}

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

std::string Token(uint64_t seed) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08" PRIx64 "-%04x-4%03x-a%03x-%012" PRIx64,
                static_cast<uint64_t>(seed * 2654435761ULL & 0xffffffffULL),
                static_cast<unsigned>(seed & 0xffff), static_cast<unsigned>((seed >> 16) & 0xfff),
                static_cast<unsigned>(seed & 0xfff),
                static_cast<uint64_t>((seed * 0x9E3779B97F4A7C15ULL) & 0xffffffffffffULL));
  return std::string(buf, 36);
}

uint64_t NextRand(uint64_t& s) {
  s ^= s >> 12;
  s ^= s << 25;
  s ^= s >> 27;
  return s * 2685821657736338717ULL;
}

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

}  // namespace locknode::loadgen

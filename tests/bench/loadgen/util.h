#pragma once

// locknode_loadgen's helpers: clocks and /proc readings, RESP requests and replies, blocking
// connections, tokens, and the flat JSON object every run prints.
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace locknode::loadgen {

// Time, CPU, memory
int64_t NowNs();
// utime + stime of a whole process (all threads), in seconds. -1 if unreadable.
double ProcCpuSeconds(int pid);
// VmRSS of a process in bytes. -1 if unreadable.
int64_t ProcRssBytes(int pid);
double SelfCpuSeconds();
void SleepMs(int ms);

// RESP
void AppendCommand(std::string& out, std::initializer_list<std::string_view> args);

enum class Kind { kSimple, kError, kInt, kBulk, kNull, kArray };
struct Reply {
  Kind kind = Kind::kNull;
  int64_t integer = 0;
  std::string_view text;  // simple/error/bulk payload (valid until the buffer changes)
};

// Frames one reply at buf[pos..] with the test tree's reply reader (tests/support/
// resp_reply.h); returns the bytes consumed, or 0 if incomplete. A malformed reply ends the run.
size_t ParseReply(std::string_view buf, size_t pos, Reply* r);

struct OwnedReply {
  Kind kind = Kind::kNull;
  int64_t integer = 0;
  std::string text;
};

// Connections and blocking helpers
void SetNonBlocking(int fd);
int Connect(int port);
void WriteAll(int fd, std::string_view data);
// Sends one command on a blocking socket and waits for its reply.
OwnedReply Sync(int fd, std::initializer_list<std::string_view> args);

// A 36-byte token shaped like a UUID, distinct per seed.
std::string Token(uint64_t seed);
uint64_t NextRand(uint64_t& s);  // xorshift64*

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

// Adds p50/p99/p999/max (µs) of `lat` (ns; sorted in place).
void AddPercentiles(Json& j, std::vector<int64_t>& lat);

}  // namespace locknode::loadgen

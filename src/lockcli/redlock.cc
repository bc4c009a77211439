#include "lockcli/redlock.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <sys/random.h>

namespace locknode::lockcli {
namespace {

// The release and extend scripts in the form most lock libraries send (redlock-rb, redlock-py,
// redsync, pottery ...), so locknode recognises them and runs them natively (fast_path.cc).
constexpr const char* kReleaseScript =
    R"(if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("del",KEYS[1]) else return 0 end)";
constexpr const char* kExtendScript =
    R"(if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("pexpire",KEYS[1],ARGV[2]) else return 0 end)";

bool IsOk(const Reply& r) { return r.type == Reply::Type::kStatus && r.text == "OK"; }
bool IsOne(const Reply& r) { return r.type == Reply::Type::kInteger && r.integer == 1; }

}  // namespace

Millis DriftFor(Millis ttl) { return Millis(ttl.count() / 100 + 2); }

std::optional<Clock::time_point> ValidityEnd(int ok, int nodes, Clock::time_point started,
                                             Clock::time_point finished, Millis ttl) {
  if (ok < nodes / 2 + 1) return std::nullopt;
  // validity = ttl - (finished - started) - drift, counted from `finished`.
  const Clock::time_point end = started + ttl - DriftFor(ttl);
  if (end <= finished) return std::nullopt;
  return end;
}

std::string RandomToken() {
  unsigned char raw[20];
  size_t got = 0;
  while (got < sizeof raw) {
    const ssize_t n = ::getrandom(raw + got, sizeof raw - got, 0);
    if (n < 0) throw std::runtime_error("getrandom failed");
    got += static_cast<size_t>(n);
  }
  std::string hex;
  char pair[3];
  for (unsigned char c : raw) {
    std::snprintf(pair, sizeof pair, "%02x", c);
    hex += pair;
  }
  return hex;
}

Redlock::Redlock(std::vector<std::unique_ptr<NodeConn>> nodes, std::string name, std::string token,
                 Millis ttl, Millis node_timeout)
    : nodes_(std::move(nodes)),
      name_(std::move(name)),
      token_(std::move(token)),
      ttl_(ttl),
      node_timeout_(node_timeout) {}

int Redlock::ConnectAll(Millis timeout, RoundResult* result) {
  *result = RoundResult{};
  result->started = Clock::now();
  for (auto& node : nodes_) {
    if (node->Connect(Clock::now() + timeout)) {
      ++result->ok;
    } else {
      ++result->silent;
      result->notes.push_back(node->address().Text() + ": " + node->error());
    }
  }
  result->finished = Clock::now();
  return result->ok;
}

RoundResult Redlock::Round(const std::vector<std::string>& argv, bool (*yes)(const Reply&),
                           Clock::time_point cutoff) {
  RoundResult r;
  r.started = Clock::now();
  for (auto& node : nodes_) {
    const auto reply = node->Call(argv, std::min(cutoff, Clock::now() + node_timeout_));
    if (!reply) {
      ++r.silent;
      r.notes.push_back(node->address().Text() + ": " + node->error());
    } else if (yes(*reply)) {
      ++r.ok;
    } else {
      ++r.refused;
      const bool held = reply->type == Reply::Type::kNil || reply->type == Reply::Type::kInteger;
      r.notes.push_back(node->address().Text() + ": " + (held ? "no" : reply->text));
    }
  }
  r.finished = Clock::now();
  return r;
}

std::optional<Clock::time_point> Redlock::TryAcquire(RoundResult* result) {
  *result = Round({"SET", name_, token_, "NX", "PX", std::to_string(ttl_.count())}, IsOk);
  auto end = ValidityEnd(result->ok, size(), result->started, result->finished, ttl_);
  if (!end) {
    RoundResult ignored;
    Release(&ignored);
  }
  return end;
}

std::optional<Clock::time_point> Redlock::Extend(Clock::time_point cutoff, RoundResult* result) {
  *result = Round({"EVAL", kExtendScript, "1", name_, token_, std::to_string(ttl_.count())}, IsOne,
                  cutoff);
  return ValidityEnd(result->ok, size(), result->started, result->finished, ttl_);
}

void Redlock::Release(RoundResult* result) {
  *result = Round({"EVAL", kReleaseScript, "1", name_, token_}, IsOne);
}

}  // namespace locknode::lockcli

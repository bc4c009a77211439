#include "support/diff_harness.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "support/resp_client.h"
#include "support/resp_reply.h"

namespace locknode::test {

ServerProcess* DiffTest::reference_ = nullptr;
ServerProcess* DiffTest::subject_ = nullptr;
std::string* DiffTest::setup_error_ = nullptr;
std::string* DiffTest::password_ = nullptr;

namespace {

// LOCKNODE_DIFF_VERBOSE=1 prints every request and both replies (for writing new cases).
bool Verbose() {
  const char* env = std::getenv("LOCKNODE_DIFF_VERBOSE");
  return env != nullptr && *env != '\0' && std::string_view(env) != "0";
}

bool SubjectIsRedis() {
  const char* env = std::getenv("LOCKNODE_DIFF_SUBJECT");
  return env != nullptr && std::string_view(env) == "redis";
}

// The value of a reply that is exactly one RESP integer.
std::optional<int64_t> ParseIntegerReply(const std::string& reply) {
  RespValue value;
  if (ReadReply(reply, &value) != static_cast<long>(reply.size()) || value.type != ':') {
    return std::nullopt;
  }
  return value.number;
}

// Replaces the value that follows `key` (a bulk string key in a RESP2 array or RESP3 map) with
// `placeholder`, whatever its type (integer or bulk).
std::string ReplaceValueAfterKey(std::string reply, const std::string& key,
                                 const std::string& placeholder) {
  std::string needle = "$" + std::to_string(key.size()) + "\r\n" + key + "\r\n";
  size_t at = reply.find(needle);
  if (at == std::string::npos) return reply;
  size_t value = at + needle.size();
  size_t eol = reply.find("\r\n", value);
  if (eol == std::string::npos) return reply;
  size_t end = eol + 2;
  if (reply[value] == '$') {  // bulk: skip the payload line as well
    size_t payload_eol = reply.find("\r\n", end);
    if (payload_eol == std::string::npos) return reply;
    end = payload_eol + 2;
  }
  return reply.replace(value, end - value, placeholder);
}

// The header line of an aggregate reply, then its elements (each framed by ReadReply) grouped
// by `group` and sorted: equal for two replies that differ only in element order. A reply that
// is not a well-formed aggregate is returned as it is.
std::vector<std::string> SortedElements(const std::string& reply, int group) {
  const size_t eol = reply.find("\r\n");
  if (reply.empty() || eol == std::string::npos || (reply[0] != '*' && reply[0] != '%')) {
    return {reply};
  }
  std::vector<std::string> units;
  size_t pos = eol + 2;
  while (pos < reply.size()) {
    std::string unit;
    for (int i = 0; i < group && pos < reply.size(); ++i) {
      const long n = ReadReply(std::string_view(reply).substr(pos));
      if (n <= 0) return {reply};
      unit += reply.substr(pos, static_cast<size_t>(n));
      pos += static_cast<size_t>(n);
    }
    units.push_back(std::move(unit));
  }
  std::sort(units.begin(), units.end());
  units.insert(units.begin(), reply.substr(0, eol));
  return units;
}

// `allowance`: kIntTolerance's limit for this step (tolerance + measured skew).
bool Matches(const DiffStep& step, const std::string& want, const std::string& got,
             int64_t allowance) {
  switch (step.compare) {
    case Compare::kExact:
      return want == got;
    case Compare::kIntTolerance: {
      auto a = ParseIntegerReply(want);
      auto b = ParseIntegerReply(got);
      if (!a || !b) return want == got;
      if (*a < 0 || *b < 0) return *a == *b;
      return std::llabs(*a - *b) <= allowance;
    }
    case Compare::kHello:
      return NormalizeHello(want) == NormalizeHello(got);
    case Compare::kTypeOnly:
      return !want.empty() && !got.empty() && want[0] == got[0] && want[0] != '<';
    case Compare::kUnordered:
      return SortedElements(want, step.group) == SortedElements(got, step.group);
    case Compare::kMonitor:
      return NormalizeMonitorLine(want) == NormalizeMonitorLine(got);
  }
  return false;
}

}  // namespace

DiffStep Cmd(const std::vector<std::string>& args) { return DiffStep{EncodeCommand(args)}; }

DiffStep On(int conn, DiffStep step) {
  step.conn = conn;
  return step;
}

DiffStep Raw(const std::string& bytes, int replies) { return DiffStep{bytes, replies}; }

DiffStep Approx(const std::vector<std::string>& args, int64_t tolerance, int64_t unit_ms) {
  return DiffStep{EncodeCommand(args), 1, Compare::kIntTolerance, tolerance, unit_ms};
}

DiffStep NoTtl(DiffStep step) {
  step.may_set_ttl = false;
  return step;
}

DiffStep Pttl(const std::string& key) { return Approx({"PTTL", key}, kPttlSlackMs); }

DiffStep Ttl(const std::string& key) { return Approx({"TTL", key}, kTtlSlackS, 1000); }

DiffStep ApproxPttl(const std::vector<std::string>& args) { return Approx(args, kPttlSlackMs); }

std::string NowPlusMs(int64_t ms) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count() + ms);
}

std::string NowPlusS(int64_t s) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count() + s);
}

DiffStep Expect(int conn, int replies) {
  DiffStep step{"", replies};
  step.conn = conn;
  return step;
}

DiffStep Blocks(int conn, const std::vector<std::string>& args, int blocked) {
  DiffStep step{EncodeCommand(args), 0};
  step.conn = conn;
  step.await_blocked = blocked;
  return step;
}

DiffStep UnblockOf(int conn, int target, const std::string& reason) {
  std::vector<std::string> args = {"CLIENT", "UNBLOCK", "{id}"};
  if (!reason.empty()) args.push_back(reason);
  DiffStep step = Cmd(args);
  step.conn = conn;
  step.id_of = target;
  return step;
}

namespace {

// INFO clients' blocked_clients, or -1 when the reply has none.
int BlockedClients(RespClient& admin) {
  const std::string info = admin.Call({"INFO", "clients"});
  const size_t at = info.find("blocked_clients:");
  if (at == std::string::npos) return -1;
  return std::atoi(info.c_str() + at + std::strlen("blocked_clients:"));
}

// Polls (every millisecond, up to two seconds) until `server` reports `want` blocked clients.
bool AwaitBlocked(ServerProcess& server, const std::string& password, int want) {
  RespClient admin(server.port());
  if (!password.empty()) admin.Call({"AUTH", password});
  for (int i = 0; i < 2000; ++i) {
    if (BlockedClients(admin) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

}  // namespace

DiffStep Hello(const std::vector<std::string>& args) {
  return DiffStep{EncodeCommand(args), 1, Compare::kHello};
}

DiffStep TypeOnly(const std::vector<std::string>& args) {
  return DiffStep{EncodeCommand(args), 1, Compare::kTypeOnly};
}

DiffStep Unordered(const std::vector<std::string>& args, int group) {
  DiffStep step{EncodeCommand(args), 1, Compare::kUnordered};
  step.group = group;
  return step;
}

DiffStep MonitorLines(int conn, int replies) {
  DiffStep step = Expect(conn, replies);
  step.compare = Compare::kMonitor;
  return step;
}

std::string NormalizeMonitorLine(const std::string& reply) {
  static const std::regex kStamp(R"(^\+[0-9]+\.[0-9]{6} \[0 (127\.0\.0\.1:[0-9]+|lua)\])");
  std::smatch m;
  if (!std::regex_search(reply, m, kStamp)) return reply;
  const std::string from = m[1].str() == "lua" ? "lua" : "<addr>";
  return "+<time> [0 " + from + "]" + reply.substr(static_cast<size_t>(m.length(0)));
}

std::string NormalizeHello(const std::string& reply) {
  return ReplaceValueAfterKey(ReplaceValueAfterKey(reply, "id", "<id>\r\n"), "version",
                              "<version>\r\n");
}

void DiffTest::StartServers(const std::vector<std::string>& args, const std::string& password) {
  setup_error_ = new std::string();
  password_ = new std::string(password);
  // locknode has one database (SELECT 0 only, as the lock node brief says), so the reference
  // runs with one too: SELECT 1 is then "DB index is out of range" on both.
  std::vector<std::string> redis_args = args;
  redis_args.insert(redis_args.end(), {"--databases", "1"});
  StartResult reference = ServerProcess::StartRedis(redis_args);
  if (!reference.server) {
    *setup_error_ = "reference redis-server: " + reference.error;
    return;
  }
  StartResult subject =
      SubjectIsRedis() ? ServerProcess::StartRedis(redis_args) : ServerProcess::StartLocknode(args);
  if (!subject.server) {
    *setup_error_ = "subject: " + subject.error;
    return;
  }
  reference_ = reference.server.release();
  subject_ = subject.server.release();
}

void DiffTest::TearDownTestSuite() {
  delete reference_;
  delete subject_;
  delete setup_error_;
  delete password_;
  reference_ = subject_ = nullptr;
  setup_error_ = password_ = nullptr;
}

void DiffTest::SetUp() {
  if (FindInPath("redis-server").empty()) {
    GTEST_FAIL() << "\n*** MISSING REQUIRED DEPENDENCY: redis-server is not in PATH; the "
                    "differential suite needs Debian's redis-server 7.0.15 (apt-get install "
                    "redis-server; .ci/install-deps test) ***";
  }
  ASSERT_TRUE(reference_ && subject_) << *setup_error_;
}

std::vector<std::string> DiffTest::RunCase(const DiffCase& c, Tally* tally) {
  std::vector<std::string> mismatches;
  // Connection pairs: [0] is the case's main connection, more are opened on first use.
  std::vector<std::unique_ptr<RespClient>> refs;
  std::vector<std::unique_ptr<RespClient>> subs;
  // CLIENT ID of the connections a step names in id_of, per server (reference, subject).
  std::vector<std::pair<std::string, std::string>> ids;
  auto open = [&](size_t n) {
    while (refs.size() <= n) {
      refs.push_back(std::make_unique<RespClient>(reference_->port()));
      subs.push_back(std::make_unique<RespClient>(subject_->port()));
      ids.emplace_back();
      const bool wanted = std::any_of(c.steps.begin(), c.steps.end(), [&](const DiffStep& s) {
        return s.id_of == static_cast<int>(refs.size() - 1);
      });
      if (wanted) {
        // ":<id>\r\n" -> "<id>"
        auto id = [](RespClient& client) {
          const std::string r = client.Call({"CLIENT", "ID"});
          return r.size() > 3 ? r.substr(1, r.size() - 3) : r;
        };
        ids.back() = {id(*refs.back()), id(*subs.back())};
      }
    }
  };
  open(0);
  if (!refs[0]->connected() || !subs[0]->connected()) {
    return {c.name + ": cannot connect: reference " + refs[0]->error() + ", subject " +
            subs[0]->error()};
  }
  // Independence between cases: remove every key a table may use, on a separate connection so
  // the case's own connection starts pristine (unauthenticated, RESP2, db 0). Not compared.
  for (ServerProcess* server : {reference_, subject_}) {
    RespClient admin(server->port());
    if (!password_->empty()) admin.Call({"AUTH", *password_});
    std::vector<std::string> del = {"DEL"};
    del.insert(del.end(), kDiffKeys.begin(), kDiffKeys.end());
    std::string cleaned = admin.Call(del);
    if (cleaned[0] != ':') {
      return {c.name + ": cleanup DEL failed on " + server->name() + ": " + EscapeBytes(cleaned)};
    }
  }

  // Every case ends with a PING: it checks that both connections are still in sync (no extra
  // or missing reply) and that both closed, or both stayed open, after the case.
  std::vector<DiffStep> steps = c.steps;
  steps.push_back(Cmd({"PING"}));
  // The other connections too: a message one server pushed and the other did not would show.
  int last_conn = 0;
  for (const DiffStep& step : c.steps) last_conn = std::max(last_conn, step.conn);
  for (int conn = 1; conn <= last_conn; ++conn) steps.push_back(On(conn, Cmd({"PING"})));
  // The measured skew. A remaining TTL is T minus the time a server spent between the step j
  // that set it and the step i that reads it. Each server ran step j somewhere inside that
  // step's window (from the first send to the last reply read, both servers together) and
  // step i inside its own, so the two elapsed times, and hence the two replies, differ by at
  // most window(i) + window(j). j is not known to the harness: the largest earlier window of a
  // step that may set a TTL bounds it. On a quiet machine the windows are a fraction of a
  // millisecond; on a loaded one the allowance grows only by the delays actually observed.
  using Clock = std::chrono::steady_clock;
  double widest_earlier_ms = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    const DiffStep& step = steps[i];
    if (step.conn < 0) return {c.name + ": step " + std::to_string(i) + " names connection -1"};
    open(static_cast<size_t>(step.conn));
    RespClient& ref = *refs[static_cast<size_t>(step.conn)];
    RespClient& sub = *subs[static_cast<size_t>(step.conn)];
    const Clock::time_point sent_at = Clock::now();
    std::string ref_request = step.request, sub_request = step.request;
    if (step.id_of >= 0) {
      open(static_cast<size_t>(step.id_of));
      const auto& [ref_id, sub_id] = ids[static_cast<size_t>(step.id_of)];
      // Cmd encoded "{id}" as a 4-byte bulk: re-encode it with the id's length.
      const std::string placeholder = "$4\r\n{id}\r\n";
      auto put = [&](std::string& request, const std::string& id) {
        const size_t at = request.find(placeholder);
        if (at != std::string::npos) {
          request.replace(at, placeholder.size(),
                          "$" + std::to_string(id.size()) + "\r\n" + id + "\r\n");
        }
      };
      put(ref_request, ref_id);
      put(sub_request, sub_id);
    }
    const bool ref_sent = step.request.empty() || ref.Send(ref_request);
    const bool sub_sent = step.request.empty() || sub.Send(sub_request);
    std::vector<std::pair<std::string, std::string>> replies;
    for (int r = 0; r < step.replies; ++r) {
      // A write to a connection the server already closed counts as a close.
      std::string want = ref_sent ? ref.Read().Describe() : "<eof>";
      std::string got = sub_sent ? sub.Read().Describe() : "<eof>";
      replies.emplace_back(std::move(want), std::move(got));
      if (replies.back().first == "<eof>" && replies.back().second == "<eof>") break;
    }
    if (step.await_blocked >= 0) {
      for (ServerProcess* server : {reference_, subject_}) {
        if (!AwaitBlocked(*server, *password_, step.await_blocked)) {
          return {c.name + " step " + std::to_string(i) + ": " + server->name() + " never had " +
                  std::to_string(step.await_blocked) + " blocked clients"};
        }
      }
    }
    const double window_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - sent_at).count();
    const double skew_ms = window_ms + widest_earlier_ms;
    if (step.may_set_ttl) widest_earlier_ms = std::max(widest_earlier_ms, window_ms);
    // Whole milliseconds of skew, in the reply's unit (a TTL in seconds gains a second only
    // once the skew reaches one).
    const int64_t allowance = step.tolerance + static_cast<int64_t>(std::ceil(skew_ms)) /
                                                   std::max<int64_t>(1, step.unit_ms);
    for (size_t r = 0; r < replies.size(); ++r) {
      const std::string& want = replies[r].first;
      const std::string& got = replies[r].second;
      ++tally->compared;
      if (step.compare == Compare::kIntTolerance) {
        auto a = ParseIntegerReply(want);
        auto b = ParseIntegerReply(got);
        if (a && b && *a >= 0 && *b >= 0) {
          ++tally->ttl_steps;
          tally->max_ttl_diff = std::max<int64_t>(tally->max_ttl_diff, std::llabs(*a - *b));
          tally->max_allowance = std::max(tally->max_allowance, allowance);
          tally->max_skew_ms = std::max(tally->max_skew_ms, skew_ms);
        }
      }
      if (Verbose()) {
        std::cout << "  " << c.name << " | " << EscapeBytes(step.request).substr(0, 120) << " | "
                  << EscapeBytes(want).substr(0, 200) << " | " << EscapeBytes(got).substr(0, 200)
                  << "\n";
      }
      if (want == "<timeout>") {
        // The reference never times out on a well-formed case: the table itself is wrong.
        mismatches.push_back(c.name + " step " + std::to_string(i) +
                             ": redis-server did not reply; fix the case (request: \"" +
                             EscapeBytes(step.request) + "\")");
      } else if (!Matches(step, want, got, allowance)) {
        std::string detail;
        if (step.compare == Compare::kIntTolerance) {
          detail = "\n  allowed difference: " + std::to_string(allowance) + " (tolerance " +
                   std::to_string(step.tolerance) + " + measured skew " + std::to_string(skew_ms) +
                   " ms)";
        }
        mismatches.push_back(c.name + " step " + std::to_string(i) + " reply " + std::to_string(r) +
                             "\n  request: \"" + EscapeBytes(step.request) + "\"\n  redis:    \"" +
                             EscapeBytes(want) + "\"\n  locknode: \"" + EscapeBytes(got) + "\"" +
                             detail);
      }
    }
  }
  return mismatches;
}

void DiffTest::RunTable(const std::string& table, const std::vector<DiffCase>& cases) {
  Tally tally;
  int failed_cases = 0;
  for (const DiffCase& c : cases) {
    std::vector<std::string> mismatches = RunCase(c, &tally);
    if (!mismatches.empty()) ++failed_cases;
    for (const std::string& m : mismatches) ADD_FAILURE() << m;
  }
  std::cout << "[diff] " << table << ": " << cases.size() << " cases, " << tally.compared
            << " replies compared (" << reference_->name() << " vs " << subject_->name() << "), "
            << failed_cases << " cases differ\n";
  if (tally.ttl_steps > 0) {
    std::cout << "[diff] " << table << ": " << tally.ttl_steps
              << " TTL replies, largest difference " << tally.max_ttl_diff << ", largest allowance "
              << tally.max_allowance << ", largest measured skew " << tally.max_skew_ms << " ms\n";
  }
}

}  // namespace locknode::test

#include "support/diff_harness.h"

#include <cstdlib>
#include <iostream>
#include <string_view>

#include "support/resp_client.h"

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

std::optional<int64_t> ParseIntegerReply(const std::string& reply) {
  if (reply.size() < 4 || reply[0] != ':') return std::nullopt;
  std::string digits = reply.substr(1, reply.size() - 3);
  char* end = nullptr;
  long long value = std::strtoll(digits.c_str(), &end, 10);
  if (end == digits.c_str() || *end != '\0') return std::nullopt;
  return value;
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

bool Matches(const DiffStep& step, const std::string& want, const std::string& got) {
  switch (step.compare) {
    case Compare::kExact:
      return want == got;
    case Compare::kIntTolerance: {
      auto a = ParseIntegerReply(want);
      auto b = ParseIntegerReply(got);
      if (!a || !b) return want == got;
      if (*a < 0 || *b < 0) return *a == *b;
      return std::llabs(*a - *b) <= step.tolerance;
    }
    case Compare::kHello:
      return NormalizeHello(want) == NormalizeHello(got);
    case Compare::kTypeOnly:
      return !want.empty() && !got.empty() && want[0] == got[0] && want[0] != '<';
  }
  return false;
}

}  // namespace

DiffStep Cmd(const std::vector<std::string>& args) { return DiffStep{EncodeCommand(args)}; }

DiffStep Raw(const std::string& bytes, int replies) { return DiffStep{bytes, replies}; }

DiffStep Approx(const std::vector<std::string>& args, int64_t tolerance) {
  return DiffStep{EncodeCommand(args), 1, Compare::kIntTolerance, tolerance};
}

DiffStep Hello(const std::vector<std::string>& args) {
  return DiffStep{EncodeCommand(args), 1, Compare::kHello};
}

DiffStep TypeOnly(const std::vector<std::string>& args) {
  return DiffStep{EncodeCommand(args), 1, Compare::kTypeOnly};
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
    GTEST_SKIP() << "\n*** SKIPPED: redis-server is not in PATH; the differential suite needs "
                    "Debian's redis-server 7.0.15 (apt-get install redis-server) ***";
  }
  ASSERT_TRUE(reference_ && subject_) << *setup_error_;
}

std::vector<std::string> DiffTest::RunCase(const DiffCase& c, int* compared) {
  std::vector<std::string> mismatches;
  RespClient ref(reference_->port());
  RespClient sub(subject_->port());
  if (!ref.connected() || !sub.connected()) {
    return {c.name + ": cannot connect: reference " + ref.error() + ", subject " + sub.error()};
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
  for (size_t i = 0; i < steps.size(); ++i) {
    const DiffStep& step = steps[i];
    bool ref_sent = ref.Send(step.request);
    bool sub_sent = sub.Send(step.request);
    for (int r = 0; r < step.replies; ++r) {
      // A write to a connection the server already closed counts as a close.
      std::string want = ref_sent ? ref.Read().Describe() : "<eof>";
      std::string got = sub_sent ? sub.Read().Describe() : "<eof>";
      ++*compared;
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
      } else if (!Matches(step, want, got)) {
        mismatches.push_back(c.name + " step " + std::to_string(i) + " reply " + std::to_string(r) +
                             "\n  request: \"" + EscapeBytes(step.request) + "\"\n  redis:    \"" +
                             EscapeBytes(want) + "\"\n  locknode: \"" + EscapeBytes(got) + "\"");
      }
      if (want == "<eof>" && got == "<eof>") break;
    }
  }
  return mismatches;
}

void DiffTest::RunTable(const std::string& table, const std::vector<DiffCase>& cases) {
  int compared = 0;
  int failed_cases = 0;
  for (const DiffCase& c : cases) {
    std::vector<std::string> mismatches = RunCase(c, &compared);
    if (!mismatches.empty()) ++failed_cases;
    for (const std::string& m : mismatches) ADD_FAILURE() << m;
  }
  std::cout << "[diff] " << table << ": " << cases.size() << " cases, " << compared
            << " replies compared (" << reference_->name() << " vs " << subject_->name() << "), "
            << failed_cases << " cases differ\n";
}

}  // namespace locknode::test

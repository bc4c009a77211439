// Differential cases for key iteration (Redis 7.0 src/db.c scanGenericCommand, keysCommand,
// randomkeyCommand; src/object.c MEMORY USAGE; src/t_string.c STRLEN). Replies whose order is
// deterministic (errors, zero or one key, the cursor-0 end) are compared byte for byte, RESP2
// and RESP3. A full SCAN over many keys returns them in a different order on each server (the
// cursors differ by design), so those runs compare the sets of keys and that both end at 0.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/diff_harness.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

DiffStep SetK() { return Cmd({"SET", "k", "v"}); }

class ScanDiffTest : public DiffTest {};

TEST_F(ScanDiffTest, ScanErrors) {
  RunTable("scan-errors",
           {
               {"arity", {Cmd({"SCAN"})}},
               {"cursor letters", {Cmd({"SCAN", "x"})}},
               {"cursor trailing", {Cmd({"SCAN", "1x"})}},
               {"cursor leading space", {Cmd({"SCAN", " 1"})}},
               {"cursor trailing space", {Cmd({"SCAN", "1 "})}},
               {"cursor overflow", {Cmd({"SCAN", "18446744073709551616"})}},
               {"cursor negative overflow", {Cmd({"SCAN", "-18446744073709551616"})}},
               {"cursor float", {Cmd({"SCAN", "1.5"})}},
               {"count 0", {Cmd({"SCAN", "0", "COUNT", "0"})}},
               {"count -1", {Cmd({"SCAN", "0", "COUNT", "-1"})}},
               {"count not a number", {Cmd({"SCAN", "0", "COUNT", "x"})}},
               {"count too big", {Cmd({"SCAN", "0", "COUNT", "9223372036854775808"})}},
               {"count without value", {Cmd({"SCAN", "0", "COUNT"})}},
               {"match without value", {Cmd({"SCAN", "0", "MATCH"})}},
               {"type without value", {Cmd({"SCAN", "0", "TYPE"})}},
               {"unknown option", {Cmd({"SCAN", "0", "FOO"})}},
               {"unknown option with value", {Cmd({"SCAN", "0", "FOO", "bar"})}},
               {"second count 0", {Cmd({"SCAN", "0", "COUNT", "5", "COUNT", "0"})}},
               {"bad cursor before bad option", {Cmd({"SCAN", "x", "COUNT", "0"})}},
               {"bad count before unknown option", {Cmd({"SCAN", "0", "COUNT", "x", "FOO"})}},
               {"errors with a key", {SetK(), Cmd({"SCAN", "0", "COUNT", "0"})}},
           });
}

TEST_F(ScanDiffTest, ScanReplies) {
  RunTable("scan",
           {
               {"empty", {Cmd({"SCAN", "0"})}},
               {"one key", {SetK(), Cmd({"SCAN", "0"})}},
               {"lower-case options",
                {SetK(), Cmd({"scan", "0", "match", "k", "count", "100", "type", "string"})}},
               {"match hit", {SetK(), Cmd({"SCAN", "0", "MATCH", "k*"})}},
               {"match miss", {SetK(), Cmd({"SCAN", "0", "MATCH", "x*"})}},
               {"match star", {SetK(), Cmd({"SCAN", "0", "MATCH", "*"})}},
               {"match class", {SetK(), Cmd({"SCAN", "0", "MATCH", "[a-k]"})}},
               {"big count", {SetK(), Cmd({"SCAN", "0", "COUNT", "1000"})}},
               {"huge count", {SetK(), Cmd({"SCAN", "0", "COUNT", "9223372036854775807"})}},
               {"type string", {SetK(), Cmd({"SCAN", "0", "TYPE", "string"})}},
               {"type STRING", {SetK(), Cmd({"SCAN", "0", "TYPE", "STRING"})}},
               {"type hash", {SetK(), Cmd({"SCAN", "0", "TYPE", "hash"})}},
               {"type none", {SetK(), Cmd({"SCAN", "0", "TYPE", "none"})}},
               {"type unknown", {SetK(), Cmd({"SCAN", "0", "TYPE", "foo"})}},
               {"last type wins", {SetK(), Cmd({"SCAN", "0", "TYPE", "string", "TYPE", "set"})}},
               {"empty cursor is 0", {SetK(), Cmd({"SCAN", ""})}},
               {"plus zero", {SetK(), Cmd({"SCAN", "+0"})}},
               {"minus one, no keys", {Cmd({"SCAN", "-1"})}},
               {"max cursor, no keys", {Cmd({"SCAN", "18446744073709551615"})}},
               {"deleted key", {SetK(), Cmd({"DEL", "k"}), Cmd({"SCAN", "0"})}},
               {"already expired", {Cmd({"SET", "k", "v", "PXAT", "1"}), Cmd({"SCAN", "0"})}},
               {"resp3 empty", {Hello({"HELLO", "3"}), Cmd({"SCAN", "0"})}},
               {"resp3 one key", {Hello({"HELLO", "3"}), SetK(), Cmd({"SCAN", "0", "COUNT", "5"})}},
               {"resp3 error", {Hello({"HELLO", "3"}), Cmd({"SCAN", "0", "COUNT", "0"})}},
           });
}

TEST_F(ScanDiffTest, KeysAndRandomKey) {
  RunTable(
      "keys-randomkey",
      {
          {"keys arity", {Cmd({"KEYS"})}},
          {"keys arity two", {Cmd({"KEYS", "*", "x"})}},
          {"keys empty", {Cmd({"KEYS", "*"})}},
          {"keys one", {SetK(), Cmd({"KEYS", "*"})}},
          {"keys question", {SetK(), Cmd({"KEYS", "?"})}},
          {"keys miss", {SetK(), Cmd({"KEYS", "k?"})}},
          {"keys escaped star",
           {Cmd({"SET", "k*", "v"}), SetK(), Cmd({"KEYS", "k\\*"}), Cmd({"DEL", "k*"})}},
          {"keys negated class", {SetK(), Cmd({"KEYS", "[^a]"})}},
          {"keys exact", {Cmd({"SET", "lock", "v"}), Cmd({"keys", "lock"})}},
          {"keys already expired", {Cmd({"SET", "k", "v", "PXAT", "1"}), Cmd({"KEYS", "*"})}},
          {"keys resp3", {Hello({"HELLO", "3"}), SetK(), Cmd({"KEYS", "*"})}},
          {"randomkey empty", {Cmd({"RANDOMKEY"})}},
          {"randomkey one", {SetK(), Cmd({"RANDOMKEY"})}},
          {"randomkey arity", {Cmd({"RANDOMKEY", "x"})}},
          {"randomkey resp3 empty", {Hello({"HELLO", "3"}), Cmd({"RANDOMKEY"})}},
          {"randomkey resp3 one", {Hello({"HELLO", "3"}), SetK(), Cmd({"randomkey"})}},
          // Redis 7 lets scripts iterate keys too.
          {"scan from lua", {SetK(), Cmd({"EVAL", "return redis.call('scan', '0')", "0"})}},
          {"scan error from lua",
           {Cmd({"EVAL", "return redis.call('scan', '0', 'count', '0')", "0"})}},
          {"keys from lua", {SetK(), Cmd({"EVAL", "return redis.call('keys', '*')", "0"})}},
          {"randomkey from lua", {SetK(), Cmd({"EVAL", "return redis.call('randomkey')", "0"})}},
          {"randomkey empty from lua", {Cmd({"EVAL", "return redis.call('randomkey')", "0"})}},
      });
}

TEST_F(ScanDiffTest, MemoryUsageAndStrlen) {
  RunTable("memory-strlen",
           {
               {"memory arity", {Cmd({"MEMORY"})}},
               {"memory unknown subcommand", {Cmd({"MEMORY", "FOO"})}},
               {"usage arity", {Cmd({"MEMORY", "USAGE"})}},
               {"usage missing", {Cmd({"MEMORY", "USAGE", "k"})}},
               {"usage missing resp3", {Hello({"HELLO", "3"}), Cmd({"MEMORY", "USAGE", "k"})}},
               // The number is each server's own accounting; only its type must agree.
               {"usage existing", {SetK(), TypeOnly({"MEMORY", "USAGE", "k"})}},
               {"usage samples 0", {SetK(), TypeOnly({"memory", "usage", "k", "SAMPLES", "0"})}},
               {"usage samples 5", {SetK(), TypeOnly({"MEMORY", "USAGE", "k", "samples", "5"})}},
               {"usage samples negative", {SetK(), Cmd({"MEMORY", "USAGE", "k", "SAMPLES", "-1"})}},
               {"usage samples letters", {SetK(), Cmd({"MEMORY", "USAGE", "k", "SAMPLES", "x"})}},
               {"usage samples missing value", {SetK(), Cmd({"MEMORY", "USAGE", "k", "SAMPLES"})}},
               {"usage unknown option", {SetK(), Cmd({"MEMORY", "USAGE", "k", "FOO"})}},
               {"usage bad option, missing key", {Cmd({"MEMORY", "USAGE", "k", "SAMPLES", "x"})}},
               {"usage bad option, missing key 2", {Cmd({"MEMORY", "USAGE", "k", "FOO", "1"})}},
               {"strlen missing", {Cmd({"STRLEN", "k"})}},
               {"strlen", {Cmd({"SET", "k", "hello"}), Cmd({"STRLEN", "k"})}},
               {"strlen empty", {Cmd({"SET", "k", ""}), Cmd({"strlen", "k"})}},
               {"strlen int", {Cmd({"SET", "k", "12345"}), Cmd({"STRLEN", "k"})}},
               {"strlen arity", {Cmd({"STRLEN"})}},
               {"strlen arity two", {Cmd({"STRLEN", "k", "k2"})}},
           });
}

// --- Many keys: sets, not bytes ---

// A SCAN or KEYS reply taken apart: "*2 $n cursor *m ($l key)*" or "*m ($l key)*" (RESP2 and
// RESP3 frame these the same way).
struct Parsed {
  std::string cursor;
  std::vector<std::string> keys;
  bool ok = false;
};

std::string ReadLine(std::string_view bytes, size_t* pos) {
  const size_t end = bytes.find("\r\n", *pos);
  if (end == std::string_view::npos) return {};
  std::string line(bytes.substr(*pos, end - *pos));
  *pos = end + 2;
  return line;
}

bool ReadBulks(std::string_view bytes, size_t* pos, std::vector<std::string>* out) {
  const std::string header = ReadLine(bytes, pos);
  if (header.empty() || header[0] != '*') return false;
  for (long n = std::stol(header.substr(1)); n > 0; --n) {
    const std::string len = ReadLine(bytes, pos);
    if (len.empty() || len[0] != '$') return false;
    const size_t l = std::stoul(len.substr(1));
    out->emplace_back(bytes.substr(*pos, l));
    *pos += l + 2;
  }
  return true;
}

Parsed ParseScan(std::string_view bytes) {
  Parsed p;
  size_t pos = 0;
  if (ReadLine(bytes, &pos) != "*2") return p;
  if (ReadLine(bytes, &pos).empty()) return p;
  p.cursor = ReadLine(bytes, &pos);
  p.ok = ReadBulks(bytes, &pos, &p.keys);
  return p;
}

class ScanSetDiffTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    StartResult ref = ServerProcess::StartRedis();
    StartResult sub = ServerProcess::StartLocknode();
    reference_ = ref.server.release();
    subject_ = sub.server.release();
    error_ = new std::string(ref.error + sub.error);
  }
  static void TearDownTestSuite() {
    delete reference_;
    delete subject_;
    delete error_;
    reference_ = subject_ = nullptr;
    error_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(reference_ && subject_) << *error_;
    for (ServerProcess* s : {reference_, subject_}) {
      RespClient c(s->port());
      ASSERT_EQ(c.Call({"FLUSHALL"}), "+OK\r\n");
    }
  }

  // The same command on both servers, reply bytes as they came.
  static void Both(const std::vector<std::string>& args, std::string* ref, std::string* sub) {
    RespClient r(reference_->port());
    RespClient s(subject_->port());
    *ref = r.Call(args);
    *sub = s.Call(args);
  }
  static void Load(const std::vector<std::string>& mset) {
    std::string ref;
    std::string sub;
    Both(mset, &ref, &sub);
    ASSERT_EQ(ref, "+OK\r\n");
    ASSERT_EQ(sub, "+OK\r\n");
  }

  // A full SCAN (cursor 0 until 0 comes back) with `options`; the keys as a set, and whether any
  // key came twice (allowed by Redis, never done by locknode: its steps cover disjoint ranges).
  static std::set<std::string> FullScan(int port, const std::vector<std::string>& options,
                                        bool* duplicates, int* calls) {
    RespClient c(port);
    std::set<std::string> keys;
    std::string cursor = "0";
    *duplicates = false;
    *calls = 0;
    do {
      std::vector<std::string> args = {"SCAN", cursor};
      args.insert(args.end(), options.begin(), options.end());
      const std::string reply = c.Call(args);
      const Parsed p = ParseScan(reply);
      EXPECT_TRUE(p.ok) << reply;
      if (!p.ok) break;
      for (const std::string& k : p.keys) *duplicates |= !keys.insert(k).second;
      cursor = p.cursor;
      ++*calls;
    } while (cursor != "0" && *calls < 100000);
    EXPECT_EQ(cursor, "0") << "the scan must end at cursor 0";
    return keys;
  }
  void CompareScans(const std::vector<std::string>& options, size_t expected_size) {
    bool ref_dup = false;
    bool sub_dup = false;
    int ref_calls = 0;
    int sub_calls = 0;
    const auto ref = FullScan(reference_->port(), options, &ref_dup, &ref_calls);
    const auto sub = FullScan(subject_->port(), options, &sub_dup, &sub_calls);
    std::string what;
    for (const std::string& o : options) what += " " + o;
    EXPECT_EQ(ref, sub) << "SCAN" << what;
    EXPECT_EQ(sub.size(), expected_size) << "SCAN" << what;
    EXPECT_FALSE(sub_dup) << "SCAN" << what;
    std::printf("[ scan-sets ] SCAN%s: %zu keys, redis %d calls, locknode %d calls\n", what.c_str(),
                sub.size(), ref_calls, sub_calls);
  }
  void CompareKeys(const std::string& pattern, size_t expected_size) {
    std::string ref;
    std::string sub;
    Both({"KEYS", pattern}, &ref, &sub);
    Parsed r;
    Parsed s;
    size_t pos = 0;
    ASSERT_TRUE(ReadBulks(ref, &pos, &r.keys)) << ref;
    pos = 0;
    ASSERT_TRUE(ReadBulks(sub, &pos, &s.keys)) << sub;
    std::sort(r.keys.begin(), r.keys.end());
    std::sort(s.keys.begin(), s.keys.end());
    EXPECT_EQ(r.keys, s.keys) << "KEYS " << pattern;
    EXPECT_EQ(s.keys.size(), expected_size) << "KEYS " << pattern;
  }

  static ServerProcess* reference_;
  static ServerProcess* subject_;
  static std::string* error_;
};

ServerProcess* ScanSetDiffTest::reference_ = nullptr;
ServerProcess* ScanSetDiffTest::subject_ = nullptr;
std::string* ScanSetDiffTest::error_ = nullptr;

std::vector<std::string> MSet(const std::string& prefix, int n) {
  std::vector<std::string> args = {"MSET"};
  for (int i = 0; i < n; ++i) {
    args.push_back(prefix + std::to_string(i));
    args.push_back("v");
  }
  return args;
}

TEST_F(ScanSetDiffTest, FullScansReturnTheSameKeys) {
  Load(MSet("scan:", 2000));
  CompareScans({}, 2000);
  CompareScans({"COUNT", "1"}, 2000);
  CompareScans({"COUNT", "100"}, 2000);
  CompareScans({"COUNT", "100000"}, 2000);
  CompareScans({"MATCH", "scan:1*"}, 1111);
  CompareScans({"MATCH", "*9", "COUNT", "50"}, 200);
  CompareScans({"MATCH", "scan:[0-3]?"}, 30);  // 10..39
  CompareScans({"MATCH", "nomatch*"}, 0);
  CompareScans({"TYPE", "string", "COUNT", "30"}, 2000);
  CompareScans({"TYPE", "hash"}, 0);
  CompareKeys("*", 2000);
  CompareKeys("scan:1?", 10);
  CompareKeys("scan:*7*", 2000 - 1458);  // keys with a 7 among 0..1999
  CompareKeys("x*", 0);
}

// Expired keys are skipped by SCAN and KEYS on both servers, whether or not a janitor (Redis's
// active expiry, locknode's wheel) reclaimed them first.
TEST_F(ScanSetDiffTest, ExpiredKeysAreSkipped) {
  Load(MSet("live:", 300));
  for (ServerProcess* s : {reference_, subject_}) {
    RespClient c(s->port());
    for (int i = 0; i < 300; ++i) {
      ASSERT_EQ(c.Call({"SET", "dying:" + std::to_string(i), "v", "PX", "30"}), "+OK\r\n");
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CompareKeys("*", 300);
  CompareScans({"COUNT", "7"}, 300);
  CompareScans({"MATCH", "dying:*"}, 0);
  CompareScans({"TYPE", "string"}, 300);
  CompareKeys("*", 300);
}

}  // namespace
}  // namespace locknode::test

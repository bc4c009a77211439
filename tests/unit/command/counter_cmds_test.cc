// The counter, string-edit and key-move families on paths the differential suite cannot reach:
// WRONGTYPE against a key of another kind (no command creates one yet, so a FakeObject is
// stored), the write policy on their rows, and COPY/RENAME of a non-string (Object::Clone).
// Expected texts are redis-server 7.0.15's (with a real hash where these tests use a fake).

#include <memory>
#include <string>

#include "command_fixture.h"
#include "support/fake_object.h"

namespace locknode::command {
namespace {

using keyspace::ValueKind;

constexpr std::string_view kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

class CounterCmdsTest : public CommandTest {
 protected:
  CounterCmdsTest() = default;
  explicit CounterCmdsTest(Config config) : CommandTest(std::move(config)) {}
  void StoreHash(std::string_view key, Millis deadline = kNoDeadline) {
    shard_.keyspace().SetObject(
        key, std::make_unique<test::FakeObject>(ValueKind::kHash, "payload", "listpack"),
        keyspace::SetCond::kAlways,
        deadline == kNoDeadline ? keyspace::TtlMode::kClear : keyspace::TtlMode::kAt, deadline,
        clock_.NowMs());
  }
};

TEST_F(CounterCmdsTest, WrongTypeEverywhereRedisGivesIt) {
  StoreHash("h");
  for (const auto& args : std::vector<std::vector<std::string_view>>{
           {"INCR", "h"},
           {"DECR", "h"},
           {"INCRBY", "h", "2"},
           {"DECRBY", "h", "2"},
           {"INCRBYFLOAT", "h", "x"},  // WRONGTYPE before the increment is parsed
           {"APPEND", "h", "x"},
           {"STRLEN", "h"},
           {"GETDEL", "h"},
           {"GETEX", "h", "PX", "100"},
           {"GETSET", "h", "x"},
           {"SETRANGE", "h", "0", "x"},
           {"SETRANGE", "h", "0", ""}}) {
    EXPECT_EQ(Run(args), kWrongType) << args[0];
  }
  // Argument errors that Redis checks before the key.
  EXPECT_EQ(Run({"INCRBY", "h", "x"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(Run({"SETRANGE", "h", "-1", "x"}), "-ERR offset is out of range\r\n");
  EXPECT_EQ(Run({"GETEX", "h", "FOO"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"TYPE", "h"}), "+hash\r\n");  // nothing was written
  EXPECT_EQ(Run({"PTTL", "h"}), ":-1\r\n");
}

TEST_F(CounterCmdsTest, RenameAndCopyMoveAnyKindWithItsTtl) {
  StoreHash("h", clock_.NowMs() + 5000);
  EXPECT_EQ(Run({"COPY", "h", "c"}), ":1\r\n");
  EXPECT_EQ(Run({"TYPE", "c"}), "+hash\r\n");
  EXPECT_EQ(Run({"PTTL", "c"}), ":5000\r\n");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "c"}), "$8\r\nlistpack\r\n");
  EXPECT_EQ(Run({"RENAME", "h", "r"}), "+OK\r\n");
  EXPECT_EQ(Run({"TYPE", "h"}), "+none\r\n");
  EXPECT_EQ(Run({"TYPE", "r"}), "+hash\r\n");
  EXPECT_EQ(Run({"PTTL", "r"}), ":5000\r\n");
  // A string replaced by a hash and back.
  Run({"SET", "s", "v"});
  EXPECT_EQ(Run({"RENAME", "r", "s"}), "+OK\r\n");
  EXPECT_EQ(Run({"TYPE", "s"}), "+hash\r\n");
  Run({"SET", "t", "v"});
  EXPECT_EQ(Run({"COPY", "t", "s", "REPLACE"}), ":1\r\n");
  EXPECT_EQ(Run({"GET", "s"}), "$1\r\nv\r\n");
  EXPECT_EQ(test::FakeObject::live(), 1);  // "c" only: the others were freed
}

TEST_F(CounterCmdsTest, EncodingFollowsTheWriterAndMoves) {
  Run({"APPEND", "k", "12"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "k"}), "$3\r\nint\r\n");  // a new key: as SET stores it
  Run({"APPEND", "k", "3"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "k"}), "$3\r\nraw\r\n");
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "k"}), ":1\r\n");
  Run({"RENAME", "k", "k2"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "k2"}), "$3\r\nraw\r\n");
  Run({"SET", "k2", "456"});  // same length: rewritten in place, encoding reset
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "k2"}), "$3\r\nint\r\n");
  Run({"INCRBYFLOAT", "f", "10"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "f"}), "$6\r\nembstr\r\n");
  Run({"INCR", "f"});
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "f"}), "$3\r\nint\r\n");
  EXPECT_EQ(Run({"GET", "f"}), "$2\r\n11\r\n");
}

class RequireTtlCounterTest : public CounterCmdsTest {
 protected:
  RequireTtlCounterTest() : CounterCmdsTest(MakeConfig()) {}
  static Config MakeConfig() {
    Config config;
    config.require_ttl = true;
    return config;
  }
};

// require-ttl: a counter keeps its key's TTL, so INCR on a key with one is allowed; creating a
// counter (or GETEX PERSIST) would leave a key without one and is refused.
TEST_F(RequireTtlCounterTest, CountersKeepTheirKeysTtl) {
  const std::string refused = Run({"INCR", "fresh"});
  EXPECT_EQ(refused.substr(0, 5), "-ERR ") << refused;
  EXPECT_EQ(Run({"EXISTS", "fresh"}), ":0\r\n");
  EXPECT_EQ(Run({"SET", "c", "1", "PX", "5000"}), "+OK\r\n");
  EXPECT_EQ(Run({"INCR", "c"}), ":2\r\n");
  EXPECT_EQ(Run({"APPEND", "c", "0"}), ":2\r\n");
  EXPECT_EQ(Run({"PTTL", "c"}), ":5000\r\n");
  EXPECT_EQ(Run({"GETEX", "c", "PERSIST"}).substr(0, 5), "-ERR ");
  EXPECT_EQ(Run({"GETEX", "c", "PX", "100"}), "$2\r\n20\r\n");
  EXPECT_EQ(Run({"RENAME", "c", "d"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "d"}), ":100\r\n");
}

}  // namespace
}  // namespace locknode::command

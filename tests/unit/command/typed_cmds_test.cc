// Commands over typed entries: TYPE, OBJECT, and WRONGTYPE wherever Redis 7.0 gives it for the
// commands locknode serves. No command creates a non-string key yet, so the tests store a
// FakeObject (support/fake_object.h) straight into the shard's keyspace. Expected bytes are
// redis-server 7.0.15 replies (with a real hash where these tests use a fake one).

#include <memory>
#include <string>
#include <vector>

#include "command_fixture.h"
#include "support/compat_scripts.h"
#include "support/fake_object.h"

namespace locknode::command {
namespace {

using keyspace::ValueKind;

constexpr std::string_view kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

class TypedCmdsTest : public CommandTest {
 protected:
  void StoreFake(std::string_view key, ValueKind kind, std::string_view encoding = "listpack") {
    auto object = std::make_unique<test::FakeObject>(kind, "p", encoding);
    shard_.keyspace().SetObject(key, std::move(object), keyspace::SetCond::kAlways,
                                keyspace::TtlMode::kClear, 0, clock_.NowMs());
  }
};

TEST_F(TypedCmdsTest, TypeNamesEveryKind) {
  StoreFake("h", ValueKind::kHash);
  StoreFake("z", ValueKind::kZSet);
  StoreFake("l", ValueKind::kList);
  StoreFake("s", ValueKind::kSet);
  Run({"SET", "str", "v"});
  EXPECT_EQ(Run({"TYPE", "h"}), "+hash\r\n");
  EXPECT_EQ(Run({"TYPE", "z"}), "+zset\r\n");
  EXPECT_EQ(Run({"TYPE", "l"}), "+list\r\n");
  EXPECT_EQ(Run({"TYPE", "s"}), "+set\r\n");
  EXPECT_EQ(Run({"TYPE", "str"}), "+string\r\n");
  EXPECT_EQ(Run({"TYPE", "none"}), "+none\r\n");
}

// Redis getGenericCommand / getrangeCommand / setGenericCommand's GET: WRONGTYPE, nothing written.
TEST_F(TypedCmdsTest, StringReadsOnAnotherKindAreWrongType) {
  StoreFake("h", ValueKind::kHash);
  EXPECT_EQ(Run({"GET", "h"}), kWrongType);
  EXPECT_EQ(Run({"GETRANGE", "h", "0", "1"}), kWrongType);
  EXPECT_EQ(Run({"GETRANGE", "h", "x", "1"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(Run({"SET", "h", "v", "GET"}), kWrongType);
  EXPECT_EQ(Run({"SET", "h", "v", "NX", "GET"}), kWrongType);
  EXPECT_EQ(Run({"TYPE", "h"}), "+hash\r\n");  // the failed SET ... GET wrote nothing
  // MGET answers null for a key of another kind instead (Redis mgetCommand).
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"MGET", "h", "k", "nokey"}), "*3\r\n$-1\r\n$1\r\nv\r\n$-1\r\n");
}

// A key of another kind is a hit for INFO, as Redis counts before checking the type.
TEST_F(TypedCmdsTest, WrongTypeLookupsCountAsHits) {
  StoreFake("h", ValueKind::kHash);
  Run({"GET", "h"});
  Run({"MGET", "h"});
  Run({"GET", "nokey"});
  EXPECT_EQ(shard_.stats().keyspace_hits, 2u);
  EXPECT_EQ(shard_.stats().keyspace_misses, 1u);
}

// Commands that do not look at the value work on every kind (Redis setKey, delCommand, ...).
TEST_F(TypedCmdsTest, KindBlindCommandsWorkOnObjects) {
  StoreFake("h", ValueKind::kHash);
  EXPECT_EQ(Run({"EXISTS", "h"}), ":1\r\n");
  EXPECT_EQ(Run({"SETNX", "h", "v"}), ":0\r\n");
  EXPECT_EQ(Run({"PEXPIRE", "h", "5000"}), ":1\r\n");
  EXPECT_EQ(Run({"PTTL", "h"}), ":5000\r\n");
  EXPECT_EQ(Run({"PERSIST", "h"}), ":1\r\n");
  EXPECT_EQ(Run({"DEL", "h"}), ":1\r\n");
  StoreFake("h", ValueKind::kHash);
  EXPECT_EQ(Run({"SET", "h", "v"}), "+OK\r\n");  // a plain SET replaces any kind
  EXPECT_EQ(Run({"TYPE", "h"}), "+string\r\n");
  EXPECT_EQ(Run({"GET", "h"}), "$1\r\nv\r\n");
  StoreFake("h", ValueKind::kHash);
  EXPECT_EQ(Run({"MSET", "h", "w"}), "+OK\r\n");
  EXPECT_EQ(Run({"GET", "h"}), "$1\r\nw\r\n");
  StoreFake("h", ValueKind::kHash);
  EXPECT_EQ(Run({"FLUSHALL"}), "+OK\r\n");
  EXPECT_EQ(test::FakeObject::live(), 0);
}

TEST_F(TypedCmdsTest, ObjectEncoding) {
  Run({"SET", "int", "12345"});
  Run({"SET", "neg", "-7"});
  Run({"SET", "lead0", "0123"});
  Run({"SET", "emb", std::string(44, 'e')});
  Run({"SET", "raw", std::string(45, 'r')});
  StoreFake("h", ValueKind::kHash, "listpack");
  StoreFake("z", ValueKind::kZSet, "skiplist");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "int"}), "$3\r\nint\r\n");
  EXPECT_EQ(Run({"object", "encoding", "neg"}), "$3\r\nint\r\n");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "lead0"}), "$6\r\nembstr\r\n");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "emb"}), "$6\r\nembstr\r\n");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "raw"}), "$3\r\nraw\r\n");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "h"}), "$8\r\nlistpack\r\n");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "z"}), "$8\r\nskiplist\r\n");
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "nokey"}), "$-1\r\n");
  client_.SetProtocol(3);
  EXPECT_EQ(Run({"OBJECT", "ENCODING", "nokey"}), "_\r\n");
}

TEST_F(TypedCmdsTest, ObjectRefCountFreqAndErrors) {
  Run({"SET", "shared", "9999"});
  Run({"SET", "own", "10000"});
  StoreFake("h", ValueKind::kHash);
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "shared"}), ":2147483647\r\n");
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "own"}), ":1\r\n");
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "h"}), ":1\r\n");
  EXPECT_EQ(Run({"OBJECT", "REFCOUNT", "nokey"}), "$-1\r\n");
  EXPECT_EQ(Run({"OBJECT", "FREQ", "nokey"}), "$-1\r\n");
  EXPECT_EQ(Run({"OBJECT", "FREQ", "own"}),
            "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please "
            "note that when switching between policies at runtime LRU and LFU data will take some "
            "time to adjust.\r\n");
  EXPECT_EQ(Run({"OBJECT", "foo"}), "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n");
  EXPECT_EQ(Run({"OBJECT"}), "-ERR wrong number of arguments for 'object' command\r\n");
  EXPECT_EQ(Run({"OBJECT", "ENCODING"}),
            "-ERR wrong number of arguments for 'object|encoding' command\r\n");
  EXPECT_EQ(Run({"OBJECT", "HELP", "x"}),
            "-ERR wrong number of arguments for 'object|help' command\r\n");
}

TEST_F(TypedCmdsTest, ObjectHelp) {
  const std::string help = Run({"OBJECT", "HELP"});
  EXPECT_EQ(help.substr(0, help.find("\r\n")), "*12");
  EXPECT_NE(help.find("+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                      "+ENCODING <key>\r\n"),
            std::string::npos);
  EXPECT_NE(help.find("+HELP\r\n+    Prints this help.\r\n"), std::string::npos);
}

// The native lock fast paths leave a key of another kind to the Lua script, whose GET fails with
// WRONGTYPE: the same reply as with the fast path off, and the key untouched.
TEST_F(TypedCmdsTest, LockFastPathsOnAnotherKindBehaveAsLua) {
  for (const auto& s : script::testdata::kCompatScripts) {
    if (s.kind == script::FastPathKind::kNone) continue;
    std::string replies[2];
    for (const bool fast : {true, false}) {
      config_.lua_fast_path = fast;
      Run({"FLUSHALL"});
      StoreFake("lk", ValueKind::kHash);
      Run({"PEXPIRE", "lk", "10000"});
      replies[fast ? 0 : 1] = Run({"EVAL", s.body, "1", "lk", "tok", "30000"});
      EXPECT_EQ(Run({"TYPE", "lk"}), "+hash\r\n") << s.name;
      EXPECT_EQ(Run({"PTTL", "lk"}), ":10000\r\n") << s.name;
    }
    EXPECT_EQ(replies[0], replies[1]) << s.name;
    EXPECT_EQ(replies[0].rfind("-WRONGTYPE Operation against a key holding the wrong kind", 0), 0u)
        << s.name << ": " << replies[0];
  }
}

}  // namespace
}  // namespace locknode::command

// DELEX, DIGEST, DELIFEQ and SET IFEQ|IFNE|IFDEQ|IFDNE. Debian's redis-server 7.0 has none of
// them, so the expected replies come from the Redis 8.4 / Valkey 9 docs, source and pull requests
// (redis#14435, #14502, #14529; valkey.io/commands/delifeq), with the published XXH3 vectors:
// DIGEST of "Hello world" is b6acb9d84a38ff74 (redis.io/commands/digest), of "test"
// 9ec9f7918d7dfc40 and of "hello" 9555e8555c62dcfd (Dragonfly's DIGEST docs).

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
constexpr std::string_view kDigestError = "-ERR must be exactly 16 hexadecimal characters\r\n";

class CasCmdsTest : public CommandTest {
 protected:
  void StoreHash(std::string_view key) {
    shard_.keyspace().SetObject(key, std::make_unique<test::FakeObject>(ValueKind::kHash, "p"),
                                keyspace::SetCond::kAlways, keyspace::TtlMode::kClear, 0,
                                clock_.NowMs());
  }
};

TEST_F(CasCmdsTest, DigestKnownVectors) {
  Run({"SET", "k", "Hello world"});
  EXPECT_EQ(Run({"DIGEST", "k"}), "$16\r\nb6acb9d84a38ff74\r\n");
  Run({"SET", "k", "test"});
  EXPECT_EQ(Run({"DIGEST", "k"}), "$16\r\n9ec9f7918d7dfc40\r\n");
  Run({"SET", "k", "hello"});
  EXPECT_EQ(Run({"DIGEST", "k"}), "$16\r\n9555e8555c62dcfd\r\n");
  // Redis#14496/#14502: always 16 digits, leading zeros kept. XXH3("") = 2d06800538d394c2.
  Run({"SET", "k", ""});
  EXPECT_EQ(Run({"DIGEST", "k"}), "$16\r\n2d06800538d394c2\r\n");
  // An integer-looking value hashes its decimal text.
  Run({"INCRBY", "n", "0"});
  Run({"SET", "t", "0"});
  EXPECT_EQ(Run({"DIGEST", "n"}), Run({"DIGEST", "t"}));
}

TEST_F(CasCmdsTest, DigestMissingAndWrongType) {
  EXPECT_EQ(Run({"DIGEST", "nokey"}), "$-1\r\n");
  client_.SetProtocol(3);
  EXPECT_EQ(Run({"DIGEST", "nokey"}), "_\r\n");
  StoreHash("h");
  EXPECT_EQ(Run({"DIGEST", "h"}), kWrongType);
  EXPECT_EQ(Run({"DIGEST"}), "-ERR wrong number of arguments for 'digest' command\r\n");
}

TEST_F(CasCmdsTest, DelexIfEqIsTheRelease) {
  Run({"SET", "lock", "tok", "PX", "10000"});
  EXPECT_EQ(Run({"DELEX", "lock", "IFEQ", "other"}), ":0\r\n");
  EXPECT_EQ(Run({"EXISTS", "lock"}), ":1\r\n");
  EXPECT_EQ(Run({"DELEX", "lock", "ifeq", "tok"}), ":1\r\n");
  EXPECT_EQ(Run({"EXISTS", "lock"}), ":0\r\n");
  EXPECT_EQ(Run({"DELEX", "lock", "IFEQ", "tok"}), ":0\r\n");
  // An expired lock is not released (lazy expiry first).
  Run({"SET", "lock", "tok", "PX", "5"});
  AdvanceTime(6);
  EXPECT_EQ(Run({"DELEX", "lock", "IFEQ", "tok"}), ":0\r\n");
}

TEST_F(CasCmdsTest, DelexConditions) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"DELEX", "k", "IFNE", "v"}), ":0\r\n");
  EXPECT_EQ(Run({"DELEX", "k", "IFNE", "w"}), ":1\r\n");
  Run({"SET", "k", "Hello world"});
  EXPECT_EQ(Run({"DELEX", "k", "IFDNE", "b6acb9d84a38ff74"}), ":0\r\n");
  EXPECT_EQ(Run({"DELEX", "k", "IFDEQ", "0000000000000000"}), ":0\r\n");
  // Case-insensitive hex (redis#14502).
  EXPECT_EQ(Run({"DELEX", "k", "IFDEQ", "B6ACB9D84A38FF74"}), ":1\r\n");
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"DELEX", "k", "IFDNE", "b6acb9d84a38ff74"}), ":1\r\n");
  // No condition: any kind, like DEL.
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"DELEX", "k"}), ":1\r\n");
  EXPECT_EQ(Run({"DELEX", "k"}), ":0\r\n");
  StoreHash("h");
  EXPECT_EQ(Run({"DELEX", "h"}), ":1\r\n");
}

TEST_F(CasCmdsTest, DelexErrors) {
  Run({"SET", "k", "v"});
  // Argument count first (redis#14529: "DELEX key IFEQ" is a syntax error, even on no key).
  EXPECT_EQ(Run({"DELEX", "k", "IFEQ"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"DELEX", "nokey", "IFEQ"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"DELEX", "k", "IFEQ", "v", "x"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"DELEX"}), "-ERR wrong number of arguments for 'delex' command\r\n");
  EXPECT_EQ(Run({"DELEX", "k", "IFXX", "v"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"DELEX", "k", "IFDEQ", "123"}), kDigestError);
  EXPECT_EQ(Run({"DELEX", "k", "IFDEQ", "b6acb9d84a38ff7g"}), kDigestError);
  EXPECT_EQ(Run({"DELEX", "k", "IFDNE", "b6acb9d84a38ff740"}), kDigestError);
  EXPECT_EQ(Run({"GET", "k"}), "$1\r\nv\r\n");  // nothing was deleted by an error
  StoreHash("h");
  for (const char* cond : {"IFEQ", "IFNE", "IFDEQ", "IFDNE"}) {
    EXPECT_EQ(Run({"DELEX", "h", cond, "b6acb9d84a38ff74"}), kWrongType) << cond;
  }
  EXPECT_EQ(Run({"TYPE", "h"}), "+hash\r\n");
}

// DELEX IFEQ, DELIFEQ and redis-py's release script (run natively by the fast path, and in Lua
// with the fast path off) are one operation: the same reply and keyspace from every state.
TEST_F(CasCmdsTest, DelexAndTheReleaseScriptAgree) {
  const std::string body(script::testdata::FindCompatScript("redispy_release")->body);
  struct State {
    const char* name;
    bool set;
    const char* value;
    Millis px;
    Millis advance;
  };
  const State states[] = {
      {"missing", false, "", 0, 0},         {"same token", true, "tok", 0, 0},
      {"other token", true, "other", 0, 0}, {"same token with ttl", true, "tok", 5000, 0},
      {"expired", true, "tok", 5, 10},      {"empty value", true, "", 0, 0}};
  for (const State& st : states) {
    std::vector<std::string> replies;
    for (int form = 0; form < 4; ++form) {
      Run({"FLUSHALL"});
      if (st.set) {
        if (st.px > 0) {
          Run({"SET", "lock", st.value, "PX", std::to_string(st.px)});
        } else {
          Run({"SET", "lock", st.value});
        }
      }
      AdvanceTime(st.advance);
      std::string reply;
      if (form == 0) reply = Run({"DELEX", "lock", "IFEQ", "tok"});
      if (form == 1) reply = Run({"DELIFEQ", "lock", "tok"});
      if (form == 2) reply = Run({"EVAL", body, "1", "lock", "tok"});
      if (form == 3) {
        config_.lua_fast_path = false;  // read per call (script_exec.cc TryFastPath)
        reply = Run({"EVAL", body, "1", "lock", "tok"});
        config_.lua_fast_path = true;
      }
      replies.push_back(reply + "|" + Run({"EXISTS", "lock"}) + Run({"GET", "lock"}));
    }
    for (int form = 1; form < 4; ++form) {
      EXPECT_EQ(replies[form], replies[0]) << st.name << " form " << form;
    }
  }
}

TEST_F(CasCmdsTest, DelIfEq) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"DELIFEQ", "k", "w"}), ":0\r\n");
  EXPECT_EQ(Run({"DELIFEQ", "k", "v"}), ":1\r\n");
  EXPECT_EQ(Run({"DELIFEQ", "k", "v"}), ":0\r\n");
  StoreHash("h");
  EXPECT_EQ(Run({"DELIFEQ", "h", "v"}), kWrongType);
  EXPECT_EQ(Run({"DELIFEQ", "k"}), "-ERR wrong number of arguments for 'delifeq' command\r\n");
}

TEST_F(CasCmdsTest, SetIfEqAndIfNe) {
  // IFEQ never creates; IFNE does.
  EXPECT_EQ(Run({"SET", "k", "v", "IFEQ", "x"}), "$-1\r\n");
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "IFNE", "x"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "k", "w", "IFEQ", "x"}), "$-1\r\n");
  EXPECT_EQ(Run({"SET", "k", "w", "IFEQ", "v", "PX", "5000"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":5000\r\n");
  EXPECT_EQ(Run({"SET", "k", "z", "IFNE", "w"}), "$-1\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$1\r\nw\r\n");
  // The lock extend StackExchange.Redis sends on 8.4: same token, new expiry.
  EXPECT_EQ(Run({"SET", "k", "w", "IFEQ", "w", "PX", "9000"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":9000\r\n");
  EXPECT_EQ(Run({"SET", "k", "w", "IFEQ", "w", "KEEPTTL"}), "+OK\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":9000\r\n");
}

TEST_F(CasCmdsTest, SetIfDigest) {
  Run({"SET", "k", "Hello world"});
  EXPECT_EQ(Run({"SET", "k", "v", "IFDEQ", "0000000000000000"}), "$-1\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "IFDEQ", "b6acb9d84a38ff74"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "k", "w", "IFDNE", "b6acb9d84a38ff74"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "n", "w", "IFDNE", "b6acb9d84a38ff74"}), "+OK\r\n");  // creates
  EXPECT_EQ(Run({"SET", "m", "w", "IFDEQ", "b6acb9d84a38ff74"}), "$-1\r\n");  // never creates
  EXPECT_EQ(Run({"SET", "k", "w", "IFDEQ", "xyz"}), kDigestError);
}

TEST_F(CasCmdsTest, SetIfWithGet) {
  Run({"SET", "k", "v"});
  // With GET the old value is the reply whatever the outcome.
  EXPECT_EQ(Run({"SET", "k", "w", "IFEQ", "x", "GET"}), "$1\r\nv\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(Run({"SET", "k", "w", "GET", "IFEQ", "v"}), "$1\r\nv\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$1\r\nw\r\n");
  EXPECT_EQ(Run({"SET", "n", "w", "IFNE", "x", "GET"}), "$-1\r\n");
  EXPECT_EQ(Run({"GET", "n"}), "$1\r\nw\r\n");
  client_.SetProtocol(3);
  EXPECT_EQ(Run({"SET", "m", "w", "IFEQ", "x", "GET"}), "_\r\n");
  EXPECT_EQ(Run({"SET", "m", "w", "IFEQ", "x"}), "_\r\n");
}

TEST_F(CasCmdsTest, SetIfConflictsAndErrors) {
  for (const char* other : {"NX", "XX"}) {
    EXPECT_EQ(Run({"SET", "k", "v", "IFEQ", "x", other}), "-ERR syntax error\r\n") << other;
  }
  EXPECT_EQ(Run({"SET", "k", "v", "IFEQ", "x", "IFNE", "y"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "IFDEQ", "0000000000000000", "IFDNE", "0000000000000000"}),
            "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "IFEQ"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "IFEQ", "x", "IFEQ", "v"}), "$-1\r\n");  // repeated: last wins
  StoreHash("h");
  EXPECT_EQ(Run({"SET", "h", "v", "IFNE", "x"}), kWrongType);
  EXPECT_EQ(Run({"SET", "h", "v", "IFEQ", "x", "GET"}), kWrongType);
  EXPECT_EQ(Run({"TYPE", "h"}), "+hash\r\n");
  EXPECT_EQ(Run({"SET", "h", "v"}), "+OK\r\n");  // without a condition: any kind is replaced
}

}  // namespace
}  // namespace locknode::command

// EVAL / EVALSHA / EVAL_RO / SCRIPT through the real dispatcher, table and keyspace. Expected
// bytes are redis-server 7.0.15 replies (COMPAT.md §3.5), except for locknode's own abort.

#include <string>
#include <tuple>
#include <vector>

#include "locknode/base/sha1.h"

#include "command_fixture.h"
#include "support/compat_scripts.h"

namespace locknode::command {
namespace {

using script::FastPathKind;
using script::testdata::kCompatScripts;

constexpr std::string_view kNoScript = "-NOSCRIPT No matching script. Please use EVAL.\r\n";
// The canonical compare-and-delete release (redsync, redlock-py and the Redis docs).
constexpr std::string_view kRelease = script::testdata::FindCompatScript("seed_canonical")->body;

class ScriptCmdsTest : public CommandTest {
 protected:
  std::string Bulk(std::string_view s) {
    // Appended, not "$" + std::to_string(...): GCC 12 -O3 warns -Wrestrict (a false positive).
    return std::string("$")
        .append(std::to_string(s.size()))
        .append("\r\n")
        .append(s)
        .append("\r\n");
  }
};

TEST_F(ScriptCmdsTest, EvalCachesAndEvalShaHits) {
  EXPECT_EQ(Run({"EVAL", "return {KEYS[1],ARGV[1]}", "1", "k", "a"}),
            "*2\r\n$1\r\nk\r\n$1\r\na\r\n");
  const std::string sha = Sha1Hex("return {KEYS[1],ARGV[1]}");
  EXPECT_EQ(Run({"EVALSHA", sha, "1", "x", "y"}), "*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
  std::string upper = sha;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(Run({"evalsha", upper, "0"}), "*0\r\n");
  EXPECT_EQ(Run({"EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"}), kNoScript);
  EXPECT_EQ(Run({"EVALSHA", "abc", "x"}), kNoScript);  // length checked first
}

TEST_F(ScriptCmdsTest, NumkeysErrors) {
  EXPECT_EQ(Run({"EVAL", "return (", "abc"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(Run({"EVAL", "return (", "5"}),
            "-ERR Number of keys can't be greater than number of args\r\n");
  EXPECT_EQ(Run({"EVAL", "return 1", "-1"}), "-ERR Number of keys can't be negative\r\n");
  EXPECT_EQ(Run({"EVAL", "return 1", "01"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(Run({"EVALSHA", std::string(40, 'a'), "5"}),
            "-ERR Number of keys can't be greater than number of args\r\n");
  EXPECT_EQ(Run({"EVAL", "return 1"}), "-ERR wrong number of arguments for 'eval' command\r\n");
  EXPECT_EQ(Run({"EVALSHA", "x"}), "-ERR wrong number of arguments for 'evalsha' command\r\n");
}

TEST_F(ScriptCmdsTest, ScriptSubcommands) {
  EXPECT_EQ(Run({"SCRIPT", "LOAD", "return 1"}), Bulk("e0e1f9fabfc9d4800c877a703b823ac0578ff8db"));
  EXPECT_EQ(Run({"SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db",
                 "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "nope"}),
            "*3\r\n:1\r\n:1\r\n:0\r\n");
  EXPECT_EQ(Run({"SCRIPT", "LOAD", "return ("}),
            "-ERR Error compiling script (new function): user_script:1: unexpected symbol near "
            "'<eof>'\r\n");
  EXPECT_EQ(Run({"SCRIPT", "FLUSH", "x"}), "-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n");
  EXPECT_EQ(Run({"SCRIPT", "FLUSH", "ASYNC", "x"}),
            "-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n");
  EXPECT_EQ(Run({"SCRIPT", "FLUSH"}), "+OK\r\n");
  EXPECT_EQ(Run({"SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"}), "*1\r\n:0\r\n");
  EXPECT_EQ(Run({"SCRIPT", "FLUSH", "sync"}), "+OK\r\n");
  EXPECT_EQ(Run({"SCRIPT", "KILL"}), "-NOTBUSY No scripts in execution right now.\r\n");
  EXPECT_EQ(Run({"SCRIPT", "DEBUG", "x"}), "-ERR Use SCRIPT DEBUG YES/SYNC/NO\r\n");
  EXPECT_EQ(Run({"SCRIPT", "DEBUG", "no"}), "+OK\r\n");
  EXPECT_EQ(Run({"SCRIPT", "LOAD"}),
            "-ERR wrong number of arguments for 'script|load' command\r\n");
  EXPECT_EQ(Run({"SCRIPT"}), "-ERR wrong number of arguments for 'script' command\r\n");
  EXPECT_EQ(Run({"SCRIPT", "EXISTS"}),
            "-ERR wrong number of arguments for 'script|exists' command\r\n");
  EXPECT_EQ(Run({"SCRIPT", "foo"}), "-ERR unknown subcommand 'foo'. Try SCRIPT HELP.\r\n");
  const std::string help = Run({"SCRIPT", "HELP"});
  EXPECT_EQ(help.rfind("*17\r\n+SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                       "+DEBUG (YES|SYNC|NO)\r\n",
                       0),
            0u);
  EXPECT_NE(
      help.find("+    Load a script into the scripts cache without executing it.\r\n+HELP\r\n"),
      std::string::npos);
}

TEST_F(ScriptCmdsTest, RedisCallGoesThroughTheRealTable) {
  EXPECT_EQ(Run({"EVAL", "return redis.call('SET', KEYS[1], ARGV[1], 'PX', 5000)", "1", "k", "v"}),
            "+OK\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('pttl', KEYS[1])", "1", "k"}), ":5000\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('get', 'nope')", "0"}), "$-1\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('client', 'list')", "0"})
                .rfind("-ERR This Redis command is not allowed from script script: ", 0),
            0u);
  EXPECT_EQ(Run({"EVAL", "return redis.call('eval','return 1', 0)", "0"}),
            "-ERR This Redis command is not allowed from script script: "
            "498b5081e21f7e3039493da0ab415ae08f116868, on @user_script:1.\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('nosuch')", "0"})
                .rfind("-ERR Unknown Redis command called from script script: ", 0),
            0u);
  EXPECT_EQ(Run({"EVAL", "return redis.call('client', 'nosuch')", "0"})
                .rfind("-ERR Unknown Redis command called from script script: ", 0),
            0u);
  EXPECT_EQ(Run({"EVAL", "return redis.call('get')", "0"})
                .rfind("-ERR Wrong number of args calling Redis command from script script: ", 0),
            0u);
  EXPECT_EQ(Run({"EVAL", "return redis.pcall('incr', 'k')", "0"}).substr(0, 5), "-ERR ");
}

TEST_F(ScriptCmdsTest, ReadOnlyScripts) {
  EXPECT_EQ(Run({"EVAL_RO", "return redis.call('get','a')", "0"}), "$-1\r\n");
  EXPECT_EQ(Run({"EVAL_RO", "return redis.call('set','a','b')", "0"}),
            "-ERR Write commands are not allowed from read-only scripts. script: "
            "ff967d0ae0e68b4f9e360fa91c54598bc25ad9b6, on @user_script:1.\r\n");
  EXPECT_EQ(Run({"EVAL_RO", "return redis.pcall('set','a','b')", "0"}),
            "-ERR Write commands are not allowed from read-only scripts.\r\n");
  EXPECT_EQ(Run({"EVAL_RO", "#!lua\nreturn 1", "0"}),
            "-ERR Can not execute a script with write flag using *_ro command.\r\n");
  EXPECT_EQ(Run({"EVAL", "#!lua flags=no-writes\nreturn redis.call('set','a','b')", "0"}),
            "-ERR Write commands are not allowed from read-only scripts. script: "
            "6acb400a50fe96e33eca4e0af6e9dcfb21193726, on @user_script:2.\r\n");
  EXPECT_EQ(Run({"EVALSHA_RO", "ff967d0ae0e68b4f9e360fa91c54598bc25ad9b6", "0"})
                .rfind("-ERR Write commands are not allowed from read-only scripts.", 0),
            0u);
  EXPECT_EQ(Run({"EXISTS", "a"}), ":0\r\n");
  // The fast path never bypasses the read-only rule.
  Run({"SET", "k", "t"});
  EXPECT_EQ(Run({"EVAL_RO", kRelease, "1", "k", "t"})
                .rfind("-ERR Write commands are not allowed from read-only scripts.", 0),
            0u);
  EXPECT_EQ(Run({"GET", "k"}), "$1\r\nt\r\n");
}

TEST_F(ScriptCmdsTest, AbortedScriptIsRolledBack) {
  script::EngineLimits limits = shard_.lua().limits();
  limits.instruction_limit = 100'000;
  shard_.lua().set_limits(limits);
  Run({"SET", "kept", "old"});
  Run({"SET", "ttl", "old", "PX", "9000"});
  Run({"SET", "deleted", "old"});
  const std::string reply = Run({"EVAL",
                                 "redis.call('set', 'kept', 'new') redis.call('pexpire', 'ttl', 5) "
                                 "redis.call('del', 'deleted') redis.call('set', 'created', 'x') "
                                 "redis.call('set', 'kept', 'newer') while true do end",
                                 "0"});
  EXPECT_EQ(reply,
            "-ERR Script aborted: exceeded the limit of 100000 Lua instructions; its writes were "
            "rolled back\r\n");
  EXPECT_EQ(Run({"GET", "kept"}), "$3\r\nold\r\n");
  EXPECT_EQ(Run({"PTTL", "kept"}), ":-1\r\n");
  EXPECT_EQ(Run({"GET", "ttl"}), "$3\r\nold\r\n");
  EXPECT_EQ(Run({"PTTL", "ttl"}), ":9000\r\n");
  EXPECT_EQ(Run({"GET", "deleted"}), "$3\r\nold\r\n");
  EXPECT_EQ(Run({"EXISTS", "created"}), ":0\r\n");
  // A script that fails with an ordinary error keeps its writes, as in Redis.
  Run({"EVAL", "redis.call('set', 'kept', 'new') error('x')", "0"});
  EXPECT_EQ(Run({"GET", "kept"}), "$3\r\nnew\r\n");
  // Writes that cannot be undone are refused inside scripts.
  EXPECT_EQ(Run({"EVAL", "return redis.call('flushall')", "0"})
                .rfind("-ERR This Redis command is not allowed from script", 0),
            0u);
  EXPECT_EQ(Run({"EXISTS", "kept"}), ":1\r\n");
}

TEST_F(ScriptCmdsTest, RedisPyExtendFormatsLuaNumbers) {
  Run({"SET", "lk", "tok", "PX", "5000"});
  const auto& extend = kCompatScripts[1];
  ASSERT_EQ(extend.name, "redispy_extend");
  EXPECT_EQ(Run({"EVAL", extend.body, "1", "lk", "tok", "500", "0"}), ":1\r\n");
  EXPECT_EQ(Run({"PTTL", "lk"}), ":5500\r\n");
}

// Every recognised script runs once natively and once in Lua over the same states; replies and
// the resulting keyspace must be identical, and the native run must really be native.
struct DiffCase {
  std::string label;
  std::vector<std::string> setup;  // SET arguments, empty = key absent
  Millis advance;
  std::vector<std::string> keys;
  std::vector<std::string> argv;
};

std::vector<DiffCase> DiffCases() {
  std::vector<DiffCase> cases;
  const std::vector<std::pair<std::string, std::vector<std::string>>> states = {
      {"absent", {}},
      {"same", {"SET", "lk", "tok", "PX", "10000"}},
      {"same-no-ttl", {"SET", "lk", "tok"}},
      {"other", {"SET", "lk", "other", "PX", "10000"}},
      {"expired", {"SET", "lk", "tok", "PX", "100"}},
      {"empty-value", {"SET", "lk", "", "PX", "10000"}},
  };
  for (const auto& [label, setup] : states) {
    const Millis advance = label == "expired" ? 200 : 0;
    for (const std::string token : {"tok", ""}) {
      for (const std::string ttl : {"30000", "1", "0", "-5", "abc", "70368744177665"}) {
        cases.push_back({label + "/" + token + "/" + ttl, setup, advance, {"lk"}, {token, ttl}});
      }
      cases.push_back({label + "/" + token + "/argv1", setup, advance, {"lk"}, {token}});
      cases.push_back({label + "/" + token + "/2keys", setup, advance, {"lk", "k2"}, {token, "9"}});
    }
  }
  return cases;
}

class FastPathDiffTest : public ScriptCmdsTest {
 protected:
  struct Outcome {
    std::string reply, value, pttl;
    uint64_t commands;
  };

  Outcome RunOnce(const script::testdata::CompatScript& s, const DiffCase& c, bool fast) {
    config_.lua_fast_path = fast;
    Run({"FLUSHALL"});
    if (!c.setup.empty()) Run(std::vector<std::string_view>(c.setup.begin(), c.setup.end()));
    AdvanceTime(c.advance);
    std::vector<std::string_view> cmd = {"EVALSHA", s.sha, std::to_string(c.keys.size())};
    const std::string numkeys = std::to_string(c.keys.size());
    cmd[2] = numkeys;
    for (const auto& k : c.keys) cmd.push_back(k);
    for (const auto& a : c.argv) cmd.push_back(a);
    const uint64_t before = shard_.stats().commands_processed;
    Outcome out;
    out.reply = Run(cmd);
    out.commands = shard_.stats().commands_processed - before;
    out.value = Run({"GET", "lk"});
    out.pttl = Run({"PTTL", "lk"});
    return out;
  }
};

TEST_F(FastPathDiffTest, NativeAndLuaAgree) {
  int native_runs = 0;
  for (const auto& s : kCompatScripts) {
    if (s.kind == FastPathKind::kNone) continue;
    ASSERT_EQ(Run({"SCRIPT", "LOAD", s.body}), Bulk(s.sha)) << s.name;
    for (const DiffCase& c : DiffCases()) {
      const Outcome native = RunOnce(s, c, true);
      const Outcome lua = RunOnce(s, c, false);
      EXPECT_EQ(native.reply, lua.reply) << s.name << " " << c.label;
      EXPECT_EQ(native.value, lua.value) << s.name << " " << c.label;
      EXPECT_EQ(native.pttl, lua.pttl) << s.name << " " << c.label;
      EXPECT_GT(lua.commands, 1u) << s.name << " " << c.label;
      if (native.commands == 1) ++native_runs;
    }
  }
  // 19 scripts; absent/same/other/expired/empty states with valid arguments all go native.
  EXPECT_GT(native_runs, 19 * 6 * 2);
}

TEST_F(FastPathDiffTest, FastPathIsUsedForTheCommonCase) {
  Run({"SET", "lk", "tok"});
  const uint64_t before = shard_.stats().commands_processed;
  EXPECT_EQ(Run({"EVAL", kRelease, "1", "lk", "tok"}), ":1\r\n");
  EXPECT_EQ(shard_.stats().commands_processed - before, 1u);  // no GET/DEL from Lua
  EXPECT_EQ(Run({"EXISTS", "lk"}), ":0\r\n");
}

}  // namespace
}  // namespace locknode::command

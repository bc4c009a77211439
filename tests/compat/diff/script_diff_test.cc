// Differential cases for EVAL/EVALSHA/SCRIPT as lock libraries use them (COMPAT.md §3.5, §3.6):
// the acquire/release scripts, caching by SHA1, numkeys errors and Lua→RESP conversion.
//
// Not compared: scripts passing non-integer Lua numbers to redis.call (7.0.15 formats them with
// %.17g, 7.2 with the shortest form; COMPAT §3.6 leaves the choice to locknode).
#include <string>
#include <vector>

#include "support/compat_scripts.h"
#include "support/diff_harness.h"

namespace locknode::test {
namespace {

// The compare-and-delete release script used by redis-py, redlock and redsync (modulo spaces).
const std::string kRelease(script::testdata::FindCompatScript("seed_canonical")->body);
constexpr char kReleaseSha[] = "b70c2384248f88e6b75b9f89241a180f856ad852";
constexpr char kReturnOneSha[] = "e0e1f9fabfc9d4800c877a703b823ac0578ff8db";

class ScriptDiffTest : public DiffTest {};

TEST_F(ScriptDiffTest, LockScripts) {
  RunTable(
      "script-lock",
      {
          {"acquire via script",
           {Cmd({"EVAL", "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])", "1",
                 "lock", "tok", "30000"}),
            Cmd({"EVAL", "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])", "1",
                 "lock", "tok2", "30000"})}},
          {"release own lock",
           {Cmd({"SET", "lock", "tok"}), Cmd({"EVAL", kRelease, "1", "lock", "tok"}),
            Cmd({"GET", "lock"})}},
          {"release foreign lock",
           {Cmd({"SET", "lock", "tok"}), Cmd({"EVAL", kRelease, "1", "lock", "other"}),
            Cmd({"GET", "lock"})}},
          {"eval caches for evalsha",
           {Cmd({"EVAL", kRelease, "1", "lock", "x"}),
            Cmd({"EVALSHA", kReleaseSha, "1", "lock", "x"})}},
          {"script load then evalsha",
           {Cmd({"SCRIPT", "LOAD", "return 1"}), Cmd({"EVALSHA", kReturnOneSha, "0"}),
            Cmd({"SCRIPT", "EXISTS", kReturnOneSha, "0000000000000000000000000000000000000000"})}},
          {"evalsha upper-case sha",
           {Cmd({"SCRIPT", "LOAD", "return 1"}),
            Cmd({"EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0"})}},
          {"evalsha unknown", {Cmd({"EVALSHA", "0000000000000000000000000000000000000000", "0"})}},
          {"evalsha short sha", {Cmd({"EVALSHA", "abc", "0"})}},
          {"pexpire extend script",
           {Cmd({"SET", "lock", "tok"}),
            Cmd({"EVAL", std::string(script::testdata::FindCompatScript("bsm09_refresh")->body),
                 "1", "lock", "tok", "100000"}),
            Pttl("lock")}},
          {"select inside script", {Cmd({"EVAL", "return redis.pcall('SELECT', 0)", "0"})}},
      });
}

TEST_F(ScriptDiffTest, ErrorsAndConversions) {
  RunTable(
      "script-errors",
      {
          {"numkeys not a number", {Cmd({"EVAL", "return 1", "abc"})}},
          {"numkeys too big", {Cmd({"EVAL", "return 1", "2", "k"})}},
          {"numkeys negative", {Cmd({"EVAL", "return 1", "-1"})}},
          {"return integer", {Cmd({"EVAL", "return 7", "0"})}},
          {"return float truncates", {Cmd({"EVAL", "return 3.99", "0"})}},
          {"return negative float", {Cmd({"EVAL", "return -3.99", "0"})}},
          {"return string", {Cmd({"EVAL", "return 'x'", "0"})}},
          {"return true", {Cmd({"EVAL", "return true", "0"})}},
          {"return false", {Cmd({"EVAL", "return false", "0"})}},
          {"return nil", {Cmd({"EVAL", "return nil", "0"})}},
          {"return nothing", {Cmd({"EVAL", "local a = 1", "0"})}},
          {"return table stops at nil", {Cmd({"EVAL", "return {1, 2, nil, 4}", "0"})}},
          {"return table with false", {Cmd({"EVAL", "return {1, false, 'x'}", "0"})}},
          {"return ok table", {Cmd({"EVAL", "return {ok='FINE'}", "0"})}},
          {"return err table", {Cmd({"EVAL", "return {err='My Error'}", "0"})}},
          {"error_reply", {Cmd({"EVAL", "return redis.error_reply('boom')", "0"})}},
          {"status_reply", {Cmd({"EVAL", "return redis.status_reply('FINE')", "0"})}},
          {"keys and argv",
           {Cmd({"EVAL", "return {KEYS[1], ARGV[1], #KEYS, #ARGV}", "1", "a", "b"})}},
          {"keys missing is nil", {Cmd({"EVAL", "return KEYS[1]", "0"})}},
          {"get missing is false",
           {Cmd({"EVAL", "return redis.call('GET', KEYS[1]) == false", "1", "k"})}},
          {"resp3 caller gets resp2 true",
           {Hello({"HELLO", "3"}), Cmd({"EVAL", "return true", "0"}),
            Cmd({"EVAL", "return nil", "0"})}},
          {"script flush", {Cmd({"SCRIPT", "FLUSH"}), Cmd({"SCRIPT", "EXISTS", kReturnOneSha})}},
          {"script flush async", {Cmd({"SCRIPT", "FLUSH", "ASYNC"})}},
          {"script flush bad option", {Cmd({"SCRIPT", "FLUSH", "FOO"})}},
          {"script unknown subcommand", {Cmd({"SCRIPT", "FOO"})}},
          {"script load arity", {Cmd({"SCRIPT", "LOAD"})}},
          {"eval arity", {Cmd({"EVAL"})}},
      });
}

}  // namespace
}  // namespace locknode::test

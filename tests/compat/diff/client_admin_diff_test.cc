// Differential cases for the operator's connection commands (issue 19): CLIENT KILL's forms and
// errors, CLIENT PAUSE/UNPAUSE's replies and what a pause holds, and MONITOR's lines (timestamp
// and port masked, Compare::kMonitor). Filters that need another connection's id or port, the
// timing of a pause and CLIENT NO-TOUCH (Redis 7.2; the reference is 7.0) are in
// tests/integration/client_admin_test.cc. Every pause case ends with CLIENT UNPAUSE: the
// harness's own cleanup writes.
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

// `step` with no reply to read: the server holds the command or stays silent.
DiffStep Silent(DiffStep step) {
  step.replies = 0;
  return step;
}

std::vector<DiffCase> KillCases() {
  return {
      {"old form, no such client", {Cmd({"CLIENT", "KILL", "1.2.3.4:5"})}},
      {"new form, nothing matches",
       {Cmd({"CLIENT", "KILL", "ADDR", "1.2.3.4:5"}), Cmd({"CLIENT", "KILL", "ID", "999999"}),
        Cmd({"CLIENT", "KILL", "LADDR", "1.2.3.4:5"}), Cmd({"CLIENT", "KILL", "TYPE", "master"}),
        Cmd({"CLIENT", "KILL", "TYPE", "replica"}), Cmd({"CLIENT", "KILL", "TYPE", "slave"})}},
      {"bad id",
       {Cmd({"CLIENT", "KILL", "ID", "0"}), Cmd({"CLIENT", "KILL", "ID", "-3"}),
        Cmd({"CLIENT", "KILL", "ID", "abc"})}},
      {"bad type", {Cmd({"CLIENT", "KILL", "TYPE", "monitor"})}},
      {"unknown user", {Cmd({"CLIENT", "KILL", "USER", "nobody"})}},
      {"bad skipme", {Cmd({"CLIENT", "KILL", "SKIPME", "maybe"})}},
      {"unknown option", {Cmd({"CLIENT", "KILL", "FOO", "bar"})}},
      {"option without value", {Cmd({"CLIENT", "KILL", "ID", "5", "TYPE"})}},
      {"arity", {Cmd({"CLIENT", "KILL"})}},
      {"skipme yes spares the caller",
       {Cmd({"CLIENT", "KILL", "USER", "default", "TYPE", "pubsub", "SKIPME", "yes"})}},
      // Connection 1 subscribes: the only pubsub client. Killing it drops its subscription.
      {"kill the subscriber",
       {On(1, Cmd({"SUBSCRIBE", "ch"})), Cmd({"CLIENT", "KILL", "TYPE", "pubsub"}),
        Cmd({"PUBSUB", "NUMSUB", "ch"}), Cmd({"PUBLISH", "ch", "x"})}},
  };
}

TEST_F(DiffTest, ClientKill) { RunTable("client kill", KillCases()); }

TEST_F(DiffTest, ClientKillResp3) {
  std::vector<DiffCase> cases = KillCases();
  for (DiffCase& c : cases) c.steps.insert(c.steps.begin(), Hello({"HELLO", "3"}));
  RunTable("client kill resp3", cases);
}

TEST_F(DiffTest, ClientPause) {
  RunTable("client pause",
           {
               {"pause and unpause",
                {Cmd({"CLIENT", "PAUSE", "10000", "WRITE"}), Cmd({"CLIENT", "UNPAUSE"}),
                 Cmd({"CLIENT", "UNPAUSE"})}},
               {"zero pauses nothing", {Cmd({"CLIENT", "PAUSE", "0"}), Cmd({"SET", "k", "v"})}},
               {"bad mode", {Cmd({"CLIENT", "PAUSE", "10", "READ"})}},
               {"mode checked before timeout", {Cmd({"CLIENT", "PAUSE", "abc", "READ"})}},
               {"bad timeout",
                {Cmd({"CLIENT", "PAUSE", "abc"}), Cmd({"CLIENT", "PAUSE", "-1"}),
                 Cmd({"CLIENT", "PAUSE", "1.5"}), Cmd({"CLIENT", "PAUSE", "9223372036854775807"})}},
               {"arity",
                {Cmd({"CLIENT", "PAUSE"}), Cmd({"CLIENT", "PAUSE", "10", "WRITE", "x"}),
                 Cmd({"CLIENT", "UNPAUSE", "x"})}},
               // Reads and non-writing commands run during a write pause; writes, EVAL and PUBLISH
               // wait (no reply, replies 0) and run, in order, once unpaused.
               {"write pause holds writes",
                {Cmd({"CLIENT", "PAUSE", "60000", "WRITE"}), On(1, Cmd({"GET", "k"})),
                 On(1, Cmd({"EXISTS", "k"})), On(1, Cmd({"PING"})),
                 On(1, Silent(Cmd({"SET", "k", "v"}))),
                 On(2, Silent(Cmd({"EVAL", "return 1", "0"}))), Cmd({"GET", "k"}),
                 Cmd({"CLIENT", "UNPAUSE"}), Expect(1, 1), Expect(2, 1), Cmd({"GET", "k"})}},
               {"queued write is held, exec runs after unpause",
                {On(1, Cmd({"MULTI"})), Cmd({"CLIENT", "PAUSE", "60000", "WRITE"}),
                 On(1, Silent(Cmd({"SET", "k", "v"}))), Cmd({"CLIENT", "UNPAUSE"}), Expect(1, 1),
                 On(1, Cmd({"EXEC"}))}},
           });
}

TEST_F(DiffTest, Monitor) {
  RunTable(
      "monitor",
      {
          {"commands of another client",
           {On(1, Cmd({"MONITOR"})), Cmd({"SET", "k", "v"}), MonitorLines(1, 1), Cmd({"GET", "k"}),
            MonitorLines(1, 1), Cmd({"GET", "nokey"}), MonitorLines(1, 1), On(1, Cmd({"RESET"}))}},
          {"escaping",
           {On(1, Cmd({"MONITOR"})),
            Cmd({"SET", "k", std::string("q\"b\\s\n\r\t\a\b\x01\xff ", 14)}), MonitorLines(1, 1),
            On(1, Cmd({"RESET"}))}},
          {"script commands follow the script",
           {On(1, Cmd({"MONITOR"})),
            Cmd({"EVAL", "redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])",
                 "1", "k", "v"}),
            MonitorLines(1, 3), On(1, Cmd({"RESET"}))}},
          // The Redlock release script runs natively when nobody monitors (lua-fast-path); a
          // monitor must still see the script's own commands.
          {"lock release script shows its commands",
           {On(1, Cmd({"MONITOR"})), Cmd({"SET", "lock", "tok", "PX", "30000"}),
            Cmd({"EVAL",
                 "if redis.call(\"get\",KEYS[1]) == ARGV[1] then return "
                 "redis.call(\"del\",KEYS[1]) else return 0 end",
                 "1", "lock", "tok"}),
            MonitorLines(1, 4), On(1, Cmd({"RESET"}))}},
          {"transaction order",
           {On(1, Cmd({"MONITOR"})), Cmd({"MULTI"}), Cmd({"SET", "k", "1"}), Cmd({"INCR", "k"}),
            Cmd({"EXEC"}), MonitorLines(1, 4), On(1, Cmd({"RESET"}))}},
          {"errors are shown, unknown commands are not",
           {On(1, Cmd({"MONITOR"})), Cmd({"FOO"}), Cmd({"GET"}), Cmd({"INCR", "k"}),
            Cmd({"SET", "k", "x"}), Cmd({"INCR", "k"}), MonitorLines(1, 3), On(1, Cmd({"RESET"}))}},
          {"auth is redacted, admin commands hidden",
           {On(1, Cmd({"MONITOR"})), Cmd({"AUTH", "pw"}), Cmd({"AUTH", "user", "pw"}),
            Cmd({"CLIENT", "KILL", "ID", "999999"}), Cmd({"CONFIG", "GET", "no-such-option"}),
            Cmd({"PING"}), MonitorLines(1, 3), On(1, Cmd({"RESET"}))}},
          {"monitor twice replies once",
           {Cmd({"MONITOR"}), Silent(Cmd({"MONITOR"})), Cmd({"RESET"})}},
          {"resp3 monitor",
           {On(1, Hello({"HELLO", "3"})), On(1, Cmd({"MONITOR"})), Cmd({"SET", "k", "v"}),
            MonitorLines(1, 1), On(1, Cmd({"RESET"}))}},
      });
}

}  // namespace
}  // namespace locknode::test

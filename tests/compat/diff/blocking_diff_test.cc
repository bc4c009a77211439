// Differential cases for the blocking pops (issue 18): BLPOP, BRPOP, BLMOVE, BRPOPLPUSH,
// BZPOPMIN, BZPOPMAX across several connections. Connection 0 (and 2, 3) block; connection 1
// pushes. Every blocking step waits until both servers count the client as blocked (INFO
// blocked_clients), so the push surely comes after it; the wake-up reply is read with Expect.
// Covered: immediate pops, FIFO order of waiters, several keys, timeouts (fractional), timeout
// argument errors, CLIENT UNBLOCK (TIMEOUT and ERROR), BLMOVE chains and a destination of the
// wrong kind, waiters of another kind, MULTI/EXEC and scripts (no blocking; pushes from them
// wake waiters only once they finished), the pipeline behind a blocked command, RESP2 and RESP3.
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

DiffStep Push(const std::vector<std::string>& args) { return On(1, Cmd(args)); }

std::vector<DiffCase> Immediate() {
  return {
      {"blpop with data",
       {Cmd({"RPUSH", "k", "a", "b"}), Cmd({"BLPOP", "k", "0"}), Cmd({"LRANGE", "k", "0", "-1"})}},
      {"brpop last element deletes the key",
       {Cmd({"RPUSH", "k", "a"}), Cmd({"BRPOP", "k", "1"}), Cmd({"EXISTS", "k"})}},
      {"first non-empty key",
       {Cmd({"RPUSH", "k2", "a"}), Cmd({"RPUSH", "k3", "b"}), Cmd({"BLPOP", "k", "k2", "k3", "0"}),
        Cmd({"BRPOP", "k", "k3", "k2", "0"})}},
      {"wrong type",
       {Cmd({"SET", "k", "x"}), Cmd({"BLPOP", "k", "0"}), Cmd({"BLPOP", "k2", "k", "0"}),
        Cmd({"BZPOPMIN", "k", "0"})}},
      {"wrong type after data",
       {Cmd({"SET", "k", "x"}), Cmd({"RPUSH", "k2", "a"}), Cmd({"BLPOP", "k2", "k", "0"})}},
      {"timeout errors",
       {Cmd({"BLPOP", "k", "-1"}), Cmd({"BLPOP", "k", "abc"}), Cmd({"BLPOP", "k", "1e20"}),
        Cmd({"BLPOP", "k", "inf"}), Cmd({"BLPOP", "k", "nan"}), Cmd({"BLPOP", "k", ""}),
        Cmd({"BZPOPMAX", "k", "-0.5"}), Cmd({"BLMOVE", "k", "k2", "LEFT", "LEFT", "x"}),
        Cmd({"BRPOPLPUSH", "k", "k2", "-2"})}},
      {"timeout error before wrong type", {Cmd({"SET", "k", "x"}), Cmd({"BLPOP", "k", "-1"})}},
      {"arity and syntax",
       {Cmd({"BLPOP", "k"}), Cmd({"BZPOPMIN"}), Cmd({"BLMOVE", "k", "k2", "UP", "LEFT", "0"}),
        Cmd({"BLMOVE", "k", "k2", "LEFT", "LEFT"}), Cmd({"BRPOPLPUSH", "k", "k2"})}},
      {"blmove with data",
       {Cmd({"RPUSH", "k", "a", "b"}), Cmd({"BLMOVE", "k", "k2", "RIGHT", "LEFT", "0"}),
        Cmd({"BRPOPLPUSH", "k", "k2", "0"}), Cmd({"LRANGE", "k2", "0", "-1"}),
        Cmd({"EXISTS", "k"})}},
      {"blmove wrong type",
       {Cmd({"RPUSH", "k", "a"}), Cmd({"SET", "k2", "x"}),
        Cmd({"BLMOVE", "k", "k2", "LEFT", "LEFT", "0"}), Cmd({"SET", "k3", "y"}),
        Cmd({"BLMOVE", "k3", "k", "LEFT", "LEFT", "0"}), Cmd({"LRANGE", "k", "0", "-1"})}},
      {"bzpop with data",
       {Cmd({"ZADD", "k", "1.5", "a", "2", "b", "-inf", "c"}), Cmd({"BZPOPMIN", "k", "0"}),
        Cmd({"BZPOPMAX", "k2", "k", "0"}), Cmd({"BZPOPMIN", "k", "0"}), Cmd({"EXISTS", "k"})}},
      {"timeouts",
       {Cmd({"BLPOP", "k", "0.05"}), Cmd({"BRPOP", "k", "k2", "0.01"}),
        Cmd({"BLMOVE", "k", "k2", "LEFT", "RIGHT", "0.02"}), Cmd({"BRPOPLPUSH", "k", "k2", "0.02"}),
        Cmd({"BZPOPMIN", "k", "0.02"}), Cmd({"BZPOPMAX", "k", "0.0001"}), Cmd({"EXISTS", "k2"})}},
      {"inside multi",
       {Cmd({"MULTI"}), Cmd({"BLPOP", "k", "0"}), Cmd({"BRPOP", "k", "1"}),
        Cmd({"BLMOVE", "k", "k2", "LEFT", "LEFT", "0"}), Cmd({"BRPOPLPUSH", "k", "k2", "0"}),
        Cmd({"BZPOPMIN", "k", "0"}), Cmd({"BZPOPMAX", "k", "0"}), Cmd({"EXEC"})}},
      {"inside multi with data",
       {Cmd({"MULTI"}), Cmd({"RPUSH", "k", "a", "b"}), Cmd({"BLPOP", "k", "0"}),
        Cmd({"BLMOVE", "k", "k2", "LEFT", "LEFT", "0"}), Cmd({"BLPOP", "k", "0"}),
        Cmd({"ZADD", "k3", "1", "m"}), Cmd({"BZPOPMAX", "k3", "0"}), Cmd({"EXEC"})}},
      {"multi with a timeout error", {Cmd({"MULTI"}), Cmd({"BLPOP", "k", "-1"}), Cmd({"EXEC"})}},
      {"blmpop and bzmpop with data",
       {Cmd({"RPUSH", "k", "a", "b", "c"}), Cmd({"BLMPOP", "0", "1", "k", "LEFT", "COUNT", "2"}),
        Cmd({"BLMPOP", "0", "2", "k2", "k", "RIGHT"}), Cmd({"EXISTS", "k"}),
        Cmd({"ZADD", "k3", "1", "a", "2.5", "b", "3", "c"}),
        Cmd({"BZMPOP", "0", "1", "k3", "MIN", "COUNT", "2"}),
        Cmd({"BZMPOP", "0", "1", "k3", "max"}), Cmd({"BLMPOP", "0.01", "1", "k", "LEFT"}),
        Cmd({"BZMPOP", "0.01", "1", "k", "MIN"})}},
      {"blmpop and bzmpop errors",
       {Cmd({"BLMPOP", "0", "0", "k", "LEFT"}), Cmd({"BLMPOP", "0", "x", "k", "LEFT"}),
        Cmd({"BLMPOP", "0", "1", "k", "UP"}), Cmd({"BLMPOP", "0", "1", "k", "LEFT", "COUNT", "0"}),
        Cmd({"BLMPOP", "0", "5", "k", "LEFT"}), Cmd({"BLMPOP", "-1", "1", "k", "LEFT"}),
        Cmd({"BLMPOP", "0", "1", "k", "LEFT", "COUNT", "1", "COUNT", "2"}),
        Cmd({"BZMPOP", "0", "1", "k", "LEFT"}), Cmd({"BLMPOP", "0", "1", "k"}),
        Cmd({"SET", "k", "s"}), Cmd({"BLMPOP", "0", "1", "k", "LEFT"}),
        Cmd({"BZMPOP", "0", "1", "k", "MIN"})}},
      {"blmpop inside multi",
       {Cmd({"MULTI"}), Cmd({"BLMPOP", "0", "1", "k", "LEFT"}),
        Cmd({"BZMPOP", "0", "1", "k", "MIN", "COUNT", "3"}), Cmd({"EXEC"})}},
      {"noscript",
       {Cmd({"EVAL", "return redis.call('blpop', 'k', 0)", "0"}),
        Cmd({"EVAL", "return redis.pcall('bzpopmin', 'k', 0)", "0"})}},
  };
}

std::vector<DiffCase> AcrossConnections() {
  return {
      {"block then push",
       {Blocks(0, {"BLPOP", "k", "0"}), Push({"RPUSH", "k", "a", "b"}), Expect(0, 1),
        Cmd({"LRANGE", "k", "0", "-1"})}},
      {"brpop woken",
       {Blocks(0, {"BRPOP", "k", "5"}), Push({"LPUSH", "k", "a", "b"}), Expect(0, 1),
        Cmd({"LRANGE", "k", "0", "-1"})}},
      {"three waiters fifo",
       {Blocks(0, {"BLPOP", "k", "0"}, 1), Blocks(2, {"BLPOP", "k", "0"}, 2),
        Blocks(3, {"BRPOP", "k", "0"}, 3), Push({"RPUSH", "k", "a", "b", "c", "d"}), Expect(0, 1),
        Expect(2, 1), Expect(3, 1), Cmd({"LRANGE", "k", "0", "-1"})}},
      {"fewer elements than waiters",
       {Blocks(0, {"BLPOP", "k", "0"}, 1), Blocks(2, {"BLPOP", "k", "0"}, 2),
        Blocks(3, {"BLPOP", "k", "0"}, 3), Push({"RPUSH", "k", "a"}), Expect(0, 1),
        Push({"LPUSH", "k", "b", "c"}), Expect(2, 1), Expect(3, 1), Cmd({"EXISTS", "k"})}},
      {"multi key woken by the second",
       {Blocks(0, {"BLPOP", "k", "k2", "0"}), Push({"RPUSH", "k2", "x"}), Expect(0, 1),
        Push({"RPUSH", "k", "y"}), Cmd({"LRANGE", "k", "0", "-1"})}},
      {"same key twice",
       {Blocks(0, {"BLPOP", "k", "k", "0"}), Push({"RPUSH", "k", "a", "b"}), Expect(0, 1),
        Cmd({"LRANGE", "k", "0", "-1"})}},
      {"timeout across connections",
       {Blocks(0, {"BLPOP", "k", "0.1"}), Expect(0, 1), Push({"RPUSH", "k", "a"}),
        Cmd({"LLEN", "k"})}},
      {"client unblock timeout",
       {Blocks(0, {"BLPOP", "k", "0"}), UnblockOf(1, 0), Expect(0, 1), UnblockOf(1, 0),
        Push({"RPUSH", "k", "a"}), Cmd({"LLEN", "k"})}},
      {"client unblock explicit timeout",
       {Blocks(0, {"BZPOPMIN", "k", "0"}), UnblockOf(1, 0, "TIMEOUT"), Expect(0, 1)}},
      {"client unblock error",
       {Blocks(0, {"BLMOVE", "k", "k2", "LEFT", "LEFT", "0"}), UnblockOf(1, 0, "ERROR"),
        Expect(0, 1), Cmd({"EXISTS", "k2"})}},
      {"client unblock bad reason",
       {Blocks(0, {"BLPOP", "k", "0"}), UnblockOf(1, 0, "later"), Push({"CLIENT", "UNBLOCK", "x"}),
        Push({"CLIENT", "UNBLOCK", "1", "2", "3"}), UnblockOf(1, 0), Expect(0, 1)}},
      {"client unblock not blocked", {UnblockOf(1, 0), Cmd({"PING"})}},
      {"pipeline behind a blocked command",
       {Blocks(0, {"BLPOP", "k", "0"}), On(0, Raw("PING\r\nGET k2\r\n", 0)),
        Push({"SET", "k2", "v"}), Push({"RPUSH", "k", "a"}), Expect(0, 3)}},
      {"blmove woken",
       {Blocks(0, {"BLMOVE", "k", "k2", "RIGHT", "LEFT", "0"}), Push({"RPUSH", "k", "a", "b"}),
        Expect(0, 1), Cmd({"LRANGE", "k", "0", "-1"}), Cmd({"LRANGE", "k2", "0", "-1"})}},
      {"brpoplpush woken onto existing list",
       {Cmd({"RPUSH", "k2", "z"}), Blocks(0, {"BRPOPLPUSH", "k", "k2", "0"}),
        Push({"RPUSH", "k", "a", "b"}), Expect(0, 1), Cmd({"LRANGE", "k2", "0", "-1"})}},
      {"blmove chain feeds a waiter on the destination",
       {Blocks(0, {"BLMOVE", "k", "k2", "LEFT", "LEFT", "0"}, 1),
        Blocks(2, {"BLPOP", "k2", "0"}, 2), Push({"RPUSH", "k", "a"}), Expect(0, 1), Expect(2, 1),
        Cmd({"EXISTS", "k", "k2"})}},
      {"blmove served with a destination of another kind",
       {Blocks(0, {"BLMOVE", "k", "k2", "LEFT", "LEFT", "0"}), Push({"SET", "k2", "x"}),
        Push({"RPUSH", "k", "a"}), Expect(0, 1), Cmd({"LRANGE", "k", "0", "-1"})}},
      {"bzpopmin woken",
       {Blocks(0, {"BZPOPMIN", "k", "0"}), Push({"ZADD", "k", "2", "b", "1.5", "a"}), Expect(0, 1),
        Cmd({"ZRANGE", "k", "0", "-1", "WITHSCORES"})}},
      {"bzpopmax two waiters",
       {Blocks(0, {"BZPOPMAX", "k", "k2", "0"}, 1), Blocks(2, {"BZPOPMAX", "k2", "0"}, 2),
        Push({"ZADD", "k2", "1", "a", "2", "b", "3", "c"}), Expect(0, 1), Expect(2, 1),
        Cmd({"ZRANGE", "k2", "0", "-1"})}},
      {"waiters of another kind stay blocked",
       {Blocks(0, {"BLPOP", "k", "0"}, 1), Blocks(2, {"BZPOPMIN", "k", "0"}, 2),
        Push({"ZADD", "k", "1", "m"}), Expect(2, 1), Push({"SET", "k", "s"}), Push({"DEL", "k"}),
        Push({"RPUSH", "k", "x"}), Expect(0, 1)}},
      {"pushed and popped by the same command stays blocked",
       {Blocks(0, {"BLPOP", "k", "0"}),
        Push({"EVAL", "redis.call('rpush', KEYS[1], 'a'); return redis.call('lpop', KEYS[1])", "1",
              "k"}),
        Push({"RPUSH", "k", "b"}), Expect(0, 1)}},
      {"push from a script wakes after the script",
       {Blocks(0, {"BLPOP", "k", "0"}),
        Push({"EVAL",
              "redis.call('rpush', KEYS[1], 'a'); redis.call('rpush', KEYS[1], 'b'); return "
              "redis.call('llen', KEYS[1])",
              "1", "k"}),
        Expect(0, 1), Cmd({"LRANGE", "k", "0", "-1"})}},
      {"push from exec wakes after exec",
       {Blocks(0, {"BRPOP", "k", "0"}), Push({"MULTI"}), Push({"RPUSH", "k", "a"}),
        Push({"RPUSH", "k", "b"}), Push({"LLEN", "k"}), Push({"EXEC"}), Expect(0, 1),
        Cmd({"LRANGE", "k", "0", "-1"})}},
      {"exec order of ready keys",
       {Blocks(0, {"BLPOP", "k", "k2", "0"}), Push({"MULTI"}), Push({"RPUSH", "k2", "a"}),
        Push({"RPUSH", "k", "b"}), Push({"EXEC"}), Expect(0, 1), Cmd({"LLEN", "k"}),
        Cmd({"LLEN", "k2"})}},
      {"blmpop woken with a count",
       {Blocks(0, {"BLMPOP", "0", "2", "k", "k2", "RIGHT", "COUNT", "2"}),
        Push({"RPUSH", "k2", "a", "b", "c"}), Expect(0, 1), Cmd({"LRANGE", "k2", "0", "-1"})}},
      {"bzmpop woken with a count",
       {Blocks(0, {"BZMPOP", "0", "1", "k", "MAX", "COUNT", "5"}, 1),
        Blocks(2, {"BZPOPMIN", "k", "0"}, 2), Push({"ZADD", "k", "1", "a", "2", "b", "3.5", "c"}),
        Expect(0, 1), Push({"ZADD", "k", "4", "d"}), Expect(2, 1), Cmd({"EXISTS", "k"})}},
      {"lmove wakes a waiter",
       {Cmd({"RPUSH", "k3", "x"}), Blocks(0, {"BLPOP", "k", "0"}),
        Push({"LMOVE", "k3", "k", "LEFT", "RIGHT"}), Expect(0, 1), Cmd({"EXISTS", "k", "k3"})}},
  };
}

std::vector<DiffCase> Resp3(std::vector<DiffCase> cases) {
  for (DiffCase& c : cases) {
    std::vector<DiffStep> steps = {Hello({"HELLO", "3"}), On(2, Hello({"HELLO", "3"})),
                                   On(3, Hello({"HELLO", "3"}))};
    steps.insert(steps.end(), c.steps.begin(), c.steps.end());
    c.steps = std::move(steps);
  }
  return cases;
}

TEST_F(DiffTest, BlockingImmediate) { RunTable("blocking immediate", Immediate()); }
TEST_F(DiffTest, BlockingImmediateResp3) {
  RunTable("blocking immediate resp3", Resp3(Immediate()));
}
TEST_F(DiffTest, BlockingAcrossConnections) {
  RunTable("blocking across connections", AcrossConnections());
}
TEST_F(DiffTest, BlockingAcrossConnectionsResp3) {
  RunTable("blocking across connections resp3", Resp3(AcrossConnections()));
}

}  // namespace
}  // namespace locknode::test

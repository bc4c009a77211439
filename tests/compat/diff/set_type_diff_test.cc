// Differential cases for the set family (Redis 7.0 src/t_set.c): every command's reply bytes in
// RESP2 and RESP3, the intset/hashtable encodings, the algebra and its STORE forms, error texts,
// type collisions, scripts and random sequences over few keys. Redis returns a hashtable's
// members in its dict order, which is not reproduced: those replies are compared sorted (through
// a script that sorts them), intsets (ascending) directly.
#include <string>
#include <vector>

#include "random_steps.h"
#include "support/diff_harness.h"

namespace locknode::test {
namespace {

DiffStep S(const std::vector<std::string>& args) { return Cmd(args); }
// A set-returning command's members, sorted by a script, so any member order compares equal.
DiffStep Sorted(const std::vector<std::string>& args) {
  std::vector<std::string> eval = {
      "EVAL",
      "local r = redis.call(unpack(ARGV)) if type(r) == 'table' then table.sort(r) end return r",
      "0"};
  eval.insert(eval.end(), args.begin(), args.end());
  return Cmd(eval);
}

std::vector<DiffCase> Table() {
  std::vector<std::string> many = {"SADD", "k"};
  for (int i = 0; i < 513; ++i) many.push_back(std::to_string(i * 7 - 100));
  return {
      {"intset",
       {S({"SADD", "k", "3", "1", "2", "-5", "1"}), S({"SMEMBERS", "k"}),
        S({"OBJECT", "ENCODING", "k"}), S({"SCARD", "k"}), S({"SISMEMBER", "k", "2"}),
        S({"SISMEMBER", "k", "02"}), S({"SMISMEMBER", "k", "1", "x", "3"}),
        S({"SRANDMEMBER", "k", "10"}), S({"SSCAN", "k", "0"}),
        S({"SSCAN", "k", "0", "MATCH", "-*"}), S({"TYPE", "k"})}},
      {"hashtable",
       {S({"SADD", "k", "1", "b", "a"}), S({"OBJECT", "ENCODING", "k"}), Sorted({"SMEMBERS", "k"}),
        S({"SREM", "k", "b", "a"}), S({"OBJECT", "ENCODING", "k"}), S({"SMEMBERS", "k"}),
        S({"SADD", "k2", "01"}), S({"OBJECT", "ENCODING", "k2"}), S({"SADD", "k3", "-0"}),
        S({"OBJECT", "ENCODING", "k3"})}},
      {"intset limit",
       {S(many), S({"OBJECT", "ENCODING", "k"}), S({"SCARD", "k"}), Sorted({"SPOP", "k", "600"}),
        S({"EXISTS", "k"})}},
      {"intset 512",
       {S(std::vector<std::string>(many.begin(), many.end() - 1)), S({"OBJECT", "ENCODING", "k"}),
        S({"SADD", "k", "100000"}), S({"OBJECT", "ENCODING", "k"})}},
      {"srem",
       {S({"SADD", "k", "a", "b"}), S({"SREM", "k", "a", "x", "a"}), S({"SREM", "no", "a"}),
        S({"SREM", "k", "b"}), S({"EXISTS", "k"}), S({"SREM", "k"})}},
      {"missing",
       {S({"SMEMBERS", "k"}), S({"SCARD", "k"}), S({"SISMEMBER", "k", "a"}),
        S({"SMISMEMBER", "k", "a", "b"}), S({"SPOP", "k"}), S({"SPOP", "k", "2"}),
        S({"SRANDMEMBER", "k"}), S({"SRANDMEMBER", "k", "3"}), S({"SSCAN", "k", "0"}),
        S({"SINTER", "k", "k2"}), S({"SUNION", "k"}), S({"SDIFF", "k", "k2"})}},
      {"spop srandmember",
       {S({"SADD", "k", "5", "6", "7"}), S({"SPOP", "k", "0"}), S({"SPOP", "k", "-1"}),
        S({"SPOP", "k", "x"}), S({"SPOP", "k", "1", "2"}), S({"SRANDMEMBER", "k", "0"}),
        S({"SRANDMEMBER", "k", "x"}), S({"SRANDMEMBER", "k", "1", "2"}),
        S({"SRANDMEMBER", "k", "-9223372036854775808"}), S({"SRANDMEMBER", "k", "3"}),
        S({"SPOP", "k", "3"}), S({"EXISTS", "k"}), S({"SADD", "k", "9"}), S({"SPOP", "k"}),
        S({"EXISTS", "k"})}},
      {"sscan options",
       {S({"SADD", "k", "1", "2"}), S({"SSCAN", "k", "0", "COUNT", "0"}), S({"SSCAN", "k", "x"}),
        S({"SSCAN", "k", "0", "COUNT", "x"}), S({"SSCAN", "k", "0", "FOO"}),
        S({"SSCAN", "no", "0", "FOO"}), S({"SSCAN", "k", "0", "MATCH"})}},
      {"algebra intsets",
       {S({"SADD", "k", "1", "2", "3", "4"}),
        S({"SADD", "k2", "3", "4", "5"}),
        S({"SINTER", "k", "k2"}),
        S({"SUNION", "k", "k2"}),
        S({"SDIFF", "k", "k2"}),
        S({"SDIFF", "k2", "k"}),
        S({"SINTER", "k", "k3"}),
        S({"SUNION", "k", "k3"}),
        S({"SDIFF", "k3", "k"}),
        S({"SINTER", "k", "k"}),
        S({"SDIFF", "k", "k"}),
        S({"SINTERSTORE", "k3", "k", "k2"}),
        S({"SMEMBERS", "k3"}),
        S({"OBJECT", "ENCODING", "k3"}),
        S({"SUNIONSTORE", "k3", "k", "k2"}),
        S({"SMEMBERS", "k3"}),
        S({"SDIFFSTORE", "k3", "k", "k2"}),
        S({"SMEMBERS", "k3"}),
        S({"SINTERSTORE", "k3", "k", "nosuch"}),
        S({"EXISTS", "k3"}),
        S({"SDIFFSTORE", "k", "k", "k"}),
        S({"EXISTS", "k"})}},
      {"algebra mixed",
       {S({"SADD", "k", "a", "b", "1"}), S({"SADD", "k2", "b", "1", "c"}),
        Sorted({"SINTER", "k", "k2"}), Sorted({"SUNION", "k", "k2"}), Sorted({"SDIFF", "k", "k2"}),
        S({"SUNIONSTORE", "k3", "k", "k2"}), Sorted({"SMEMBERS", "k3"}),
        S({"OBJECT", "ENCODING", "k3"}), S({"SINTERSTORE", "k3", "k", "k2"}),
        Sorted({"SMEMBERS", "k3"}), S({"SET", "k3", "v"}), S({"PEXPIRE", "k3", "100000"}),
        S({"SDIFFSTORE", "k3", "k", "k2"}), S({"PTTL", "k3"}), S({"TYPE", "k3"})}},
      {"wrongtype",
       {S({"SET", "k", "v"}), S({"SADD", "k", "a"}), S({"SREM", "k", "a"}), S({"SMEMBERS", "k"}),
        S({"SCARD", "k"}), S({"SISMEMBER", "k", "a"}), S({"SMISMEMBER", "k", "a"}),
        S({"SPOP", "k"}), S({"SRANDMEMBER", "k"}), S({"SSCAN", "k", "0"}), S({"SADD", "k2", "a"}),
        S({"SINTER", "k2", "k"}), S({"SUNION", "k2", "k"}), S({"SDIFF", "k3", "k"}),
        S({"SINTERSTORE", "k3", "k2", "k"}), S({"EXISTS", "k3"}), S({"SUNIONSTORE", "k", "k2"}),
        S({"TYPE", "k"})}},
      {"arity", {S({"SADD", "k"}), S({"SINTER"}), S({"SINTERSTORE", "k"}), S({"SMISMEMBER", "k"})}},
      {"scripts",
       {S({"EVAL", "redis.call('sadd', KEYS[1], 3, 1, 2) return redis.call('smembers', KEYS[1])",
           "1", "k"}),
        S({"EVAL", "return redis.call('sismember', KEYS[1], 2)", "1", "k"}),
        S({"EVAL", "redis.setresp(3) return redis.call('smembers', KEYS[1])", "1", "k"}),
        S({"EVAL", "return redis.call('spop', KEYS[1], 5)", "1", "k"}), S({"EXISTS", "k"})}},
  };
}

std::vector<StepGen> SetSteps() {
  // Integers only keep intsets, whose order is Redis's; one word makes a hashtable, whose
  // members are then only looked at through order-free replies.
  static const std::vector<std::string> ints = {"1", "2", "3", "-1", "10", "7"};
  auto i = [](Rng& r) { return Pick(r, ints); };
  std::vector<StepGen> gens = {
      [=](Rng& r) {
        return WithSome(r, {"SADD", AnyKey(r), i(r)}, {i(r), i(r)}, 0.5);
      },
      [=](Rng& r) {
        return WithSome(r, {"SADD", AnyKey(r), i(r)}, {i(r)}, 0.5);
      },
      [=](Rng& r) {
        return WithSome(r, {"SREM", AnyKey(r), i(r)}, {i(r)}, 0.5);
      },
      [](Rng& r) -> std::vector<std::string> {
        return {"SMEMBERS", AnyKey(r)};
      },
      [](Rng& r) -> std::vector<std::string> {
        return {"SCARD", AnyKey(r)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"SISMEMBER", AnyKey(r), i(r)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"SMISMEMBER", AnyKey(r), i(r), "x"};
      },
      [](Rng& r) -> std::vector<std::string> {
        return {"SPOP", AnyKey(r), Pick(r, {"100", "0", "x"})};
      },
      [](Rng& r) -> std::vector<std::string> {
        return {"SRANDMEMBER", AnyKey(r), Pick(r, {"100", "0", "x"})};
      },
      [](Rng& r) {
        return WithSome(r, {"SSCAN", AnyKey(r), "0"}, {"MATCH", "1*"});
      },
      [](Rng& r) {
        return WithSome(r, {Pick(r, {"SINTER", "SUNION", "SDIFF"}), AnyKey(r)},
                        {AnyKey(r), AnyKey(r)}, 0.6);
      },
      [](Rng& r) {
        return WithSome(
            r, {Pick(r, {"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"}), AnyKey(r), AnyKey(r)},
            {AnyKey(r)}, 0.6);
      },
  };
  for (const StepGen& g : ForeignSteps()) gens.push_back(g);
  gens.push_back([](Rng& r) -> std::vector<std::string> { return {"RPUSH", AnyKey(r), "1"}; });
  return gens;
}

class SetTypeDiffTest : public DiffTest {};

TEST_F(SetTypeDiffTest, Commands) { RunTable("set-type", Table()); }

TEST_F(SetTypeDiffTest, CommandsResp3) {
  std::vector<DiffCase> cases = Table();
  for (DiffCase& c : cases) {
    c.name += " resp3";
    c.steps.insert(c.steps.begin(), Hello({"HELLO", "3"}));
  }
  RunTable("set-type-resp3", cases);
}

TEST_F(SetTypeDiffTest, RandomSequences) {
  RunTable("set-random", RandomCases("set", 1821, 12, 80, SetSteps(), false));
  RunTable("set-random", RandomCases("set", 1822, 12, 80, SetSteps(), true));
}

}  // namespace
}  // namespace locknode::test

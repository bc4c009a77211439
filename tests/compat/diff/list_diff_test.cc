// Differential cases for the list family (Redis 7.0 src/t_list.c): every command's reply bytes
// in RESP2 and RESP3, the nil forms of LPOP/RPOP with and without a count, index and range
// rules, LPOS options, LMOVE between and within lists, error texts, type collisions, scripts,
// and random sequences over few keys.
#include <string>
#include <vector>

#include "random_steps.h"
#include "support/diff_harness.h"

namespace locknode::test {
namespace {

DiffStep L(const std::vector<std::string>& args) { return Cmd(args); }
DiffStep Seed() { return L({"RPUSH", "k", "a", "b", "c", "b", "d", "b", "e"}); }

std::vector<DiffCase> Table() {
  return {
      {"push",
       {L({"LPUSH", "k", "a", "b"}), L({"RPUSH", "k", "c"}), L({"LRANGE", "k", "0", "-1"}),
        L({"LPUSHX", "k2", "a"}), L({"RPUSHX", "k2", "a"}), L({"EXISTS", "k2"}),
        L({"LPUSHX", "k", "x", "y"}), L({"RPUSHX", "k", "z"}), L({"LRANGE", "k", "0", "-1"}),
        L({"OBJECT", "ENCODING", "k"}), L({"TYPE", "k"}), L({"LPUSH", "k"})}},
      {"pop",
       {Seed(), L({"LPOP", "k"}), L({"RPOP", "k"}), L({"LPOP", "k", "2"}), L({"RPOP", "k", "2"}),
        L({"LPOP", "k", "0"}), L({"LPOP", "k", "-1"}), L({"LPOP", "k", "x"}),
        L({"LPOP", "k", "1", "2"}), L({"RPOP", "k", "100"}), L({"EXISTS", "k"}), L({"LPOP", "k"}),
        L({"LPOP", "k", "1"}), L({"RPOP", "k", "0"})}},
      {"llen lindex",
       {Seed(), L({"LLEN", "k"}), L({"LLEN", "no"}), L({"LINDEX", "k", "0"}),
        L({"LINDEX", "k", "-1"}), L({"LINDEX", "k", "7"}), L({"LINDEX", "k", "-8"}),
        L({"LINDEX", "k", "x"}), L({"LINDEX", "no", "x"})}},
      {"lrange",
       {Seed(), L({"LRANGE", "k", "1", "3"}), L({"LRANGE", "k", "-3", "-1"}),
        L({"LRANGE", "k", "5", "2"}), L({"LRANGE", "k", "-100", "100"}),
        L({"LRANGE", "k", "x", "1"}), L({"LRANGE", "no", "0", "-1"}),
        L({"LRANGE", "no", "x", "-1"})}},
      {"lset",
       {Seed(), L({"LSET", "k", "0", "z"}), L({"LSET", "k", "-1", "y"}), L({"LSET", "k", "7", "q"}),
        L({"LSET", "k", "x", "q"}), L({"LSET", "no", "0", "q"}), L({"LSET", "no", "x", "q"}),
        L({"LRANGE", "k", "0", "-1"})}},
      {"lrem",
       {Seed(), L({"LREM", "k", "1", "b"}), L({"LREM", "k", "-1", "b"}),
        L({"LRANGE", "k", "0", "-1"}), L({"LREM", "k", "0", "b"}), L({"LREM", "k", "0", "nosuch"}),
        L({"LREM", "k", "x", "b"}), L({"LREM", "no", "1", "b"}), L({"LREM", "k", "0", "a"}),
        L({"LREM", "k", "0", "c"}), L({"LREM", "k", "0", "d"}), L({"LREM", "k", "0", "e"}),
        L({"EXISTS", "k"})}},
      {"ltrim",
       {Seed(), L({"LTRIM", "k", "1", "-2"}), L({"LRANGE", "k", "0", "-1"}),
        L({"LTRIM", "k", "x", "1"}), L({"LTRIM", "no", "0", "1"}), L({"LTRIM", "k", "5", "1"}),
        L({"EXISTS", "k"})}},
      {"linsert",
       {Seed(), L({"LINSERT", "k", "BEFORE", "b", "x"}), L({"LINSERT", "k", "after", "e", "y"}),
        L({"LINSERT", "k", "AFTER", "nosuch", "y"}), L({"LINSERT", "k", "MIDDLE", "b", "y"}),
        L({"LINSERT", "no", "BEFORE", "b", "y"}), L({"LRANGE", "k", "0", "-1"})}},
      {"lpos",
       {Seed(), L({"LPOS", "k", "b"}), L({"LPOS", "k", "b", "RANK", "2"}),
        L({"LPOS", "k", "b", "RANK", "-1"}), L({"LPOS", "k", "b", "RANK", "-2", "COUNT", "0"}),
        L({"LPOS", "k", "b", "COUNT", "2"}), L({"LPOS", "k", "b", "COUNT", "0", "MAXLEN", "4"}),
        L({"LPOS", "k", "nosuch"}), L({"LPOS", "k", "nosuch", "COUNT", "1"}),
        L({"LPOS", "k", "b", "RANK", "0"}), L({"LPOS", "k", "b", "RANK", "x"}),
        L({"LPOS", "k", "b", "COUNT", "-1"}), L({"LPOS", "k", "b", "COUNT", "x"}),
        L({"LPOS", "k", "b", "MAXLEN", "-1"}), L({"LPOS", "k", "b", "FOO"}),
        L({"LPOS", "k", "b", "RANK"}), L({"LPOS", "no", "b"}), L({"LPOS", "no", "b", "COUNT", "3"}),
        L({"LPOS", "k", "b", "RANK", "5"})}},
      {"lmove",
       {Seed(), L({"LMOVE", "k", "k2", "LEFT", "RIGHT"}), L({"LMOVE", "k", "k2", "right", "left"}),
        L({"LRANGE", "k2", "0", "-1"}), L({"LMOVE", "k", "k", "LEFT", "RIGHT"}),
        L({"LRANGE", "k", "0", "-1"}), L({"RPOPLPUSH", "k", "k2"}), L({"RPOPLPUSH", "no", "k2"}),
        L({"LMOVE", "k", "k2", "UP", "LEFT"}), L({"LMOVE", "no", "k2", "UP", "LEFT"}),
        L({"SET", "k3", "v"}), L({"LMOVE", "k", "k3", "LEFT", "LEFT"}),
        L({"LRANGE", "k", "0", "-1"}), L({"LMOVE", "k3", "k", "LEFT", "LEFT"})}},
      {"lmove last element",
       {L({"RPUSH", "k", "x"}), L({"LMOVE", "k", "k", "LEFT", "RIGHT"}),
        L({"LRANGE", "k", "0", "-1"}), L({"LMOVE", "k", "k2", "LEFT", "RIGHT"}), L({"EXISTS", "k"}),
        L({"LRANGE", "k2", "0", "-1"})}},
      {"wrongtype",
       {L({"SET", "k", "v"}), L({"LPUSH", "k", "a"}), L({"LPUSHX", "k", "a"}), L({"LPOP", "k"}),
        L({"LPOP", "k", "2"}), L({"LLEN", "k"}), L({"LRANGE", "k", "0", "1"}),
        L({"LINDEX", "k", "0"}), L({"LSET", "k", "0", "a"}), L({"LREM", "k", "0", "a"}),
        L({"LTRIM", "k", "0", "1"}), L({"LINSERT", "k", "BEFORE", "a", "b"}), L({"LPOS", "k", "a"}),
        L({"RPUSH", "k2", "a"}), L({"GET", "k2"}), L({"ZADD", "k2", "1", "a"}),
        L({"SADD", "k2", "a"})}},
      {"scripts",
       {L({"EVAL",
           "redis.call('rpush', KEYS[1], 'a', 'b', 'c') return redis.call('lrange', "
           "KEYS[1], 0, -1)",
           "1", "k"}),
        L({"EVAL", "return redis.call('lpop', KEYS[1], 2)", "1", "k"}),
        L({"EVAL", "return redis.call('lpop', KEYS[2])", "2", "k", "k2"}),
        L({"EVAL", "return redis.call('lpop', KEYS[2], 1)", "2", "k", "k2"}),
        L({"EVAL", "return redis.pcall('lpush', KEYS[1])", "1", "k"})}},
  };
}

std::vector<StepGen> ListSteps() {
  static const std::vector<std::string> values = {"a", "b", "c", "1", "10", ""};
  static const std::vector<std::string> idx = {"0", "1", "-1", "2", "-3", "10", "x"};
  auto v = [](Rng& r) { return Pick(r, values); };
  std::vector<StepGen> gens = {
      [=](Rng& r) {
        return WithSome(r, {Pick(r, {"LPUSH", "RPUSH", "LPUSHX", "RPUSHX"}), AnyKey(r), v(r)},
                        {v(r), v(r)}, 0.5);
      },
      [=](Rng& r) {
        return WithSome(r, {Pick(r, {"LPUSH", "RPUSH"}), AnyKey(r), v(r)}, {v(r), v(r)}, 0.5);
      },
      [=](Rng& r) {
        return WithSome(r, {Pick(r, {"LPOP", "RPOP"}), AnyKey(r)}, {Pick(r, idx)}, 0.5);
      },
      [](Rng& r) -> std::vector<std::string> {
        return {"LLEN", AnyKey(r)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"LRANGE", AnyKey(r), Pick(r, idx), Pick(r, idx)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"LINDEX", AnyKey(r), Pick(r, idx)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"LSET", AnyKey(r), Pick(r, idx), v(r)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"LREM", AnyKey(r), Pick(r, idx), v(r)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"LTRIM", AnyKey(r), Pick(r, idx), Pick(r, idx)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"LINSERT", AnyKey(r), Pick(r, {"BEFORE", "AFTER"}), v(r), v(r)};
      },
      [=](Rng& r) {
        return WithSome(r, {"LPOS", AnyKey(r), v(r)},
                        {"RANK", Pick(r, {"1", "-1", "2", "-2"}), "COUNT", Pick(r, {"0", "1", "2"}),
                         "MAXLEN", Pick(r, {"0", "2"})},
                        0.5);
      },
      [](Rng& r) -> std::vector<std::string> {
        return {"LMOVE", AnyKey(r), AnyKey(r), Pick(r, {"LEFT", "RIGHT"}),
                Pick(r, {"LEFT", "RIGHT"})};
      },
      [](Rng& r) -> std::vector<std::string> {
        return {"RPOPLPUSH", AnyKey(r), AnyKey(r)};
      },
  };
  for (const StepGen& g : ForeignSteps()) gens.push_back(g);
  gens.push_back([](Rng& r) -> std::vector<std::string> { return {"ZADD", AnyKey(r), "1", "a"}; });
  gens.push_back([](Rng& r) -> std::vector<std::string> { return {"SADD", AnyKey(r), "1"}; });
  return gens;
}

class ListDiffTest : public DiffTest {};

TEST_F(ListDiffTest, Commands) { RunTable("list", Table()); }

TEST_F(ListDiffTest, CommandsResp3) {
  std::vector<DiffCase> cases = Table();
  for (DiffCase& c : cases) {
    c.name += " resp3";
    c.steps.insert(c.steps.begin(), Hello({"HELLO", "3"}));
  }
  RunTable("list-resp3", cases);
}

TEST_F(ListDiffTest, RandomSequences) {
  RunTable("list-random", RandomCases("list", 1811, 12, 80, ListSteps(), false));
  RunTable("list-random", RandomCases("list", 1812, 12, 80, ListSteps(), true));
}

}  // namespace
}  // namespace locknode::test

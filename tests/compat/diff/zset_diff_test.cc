// Differential cases for the sorted-set family (Redis 7.0 src/t_zset.c): every command's reply
// bytes in RESP2 and RESP3, score parsing (inf, exclusive bounds, bad floats), equal scores
// ordered by member, both encodings (listpack up to 128 members of 64 bytes, then skiplist),
// error texts, type collisions, scripts, and random sequences over few keys.
#include <string>
#include <vector>

#include "random_steps.h"
#include "support/diff_harness.h"

namespace locknode::test {
namespace {

DiffStep Z(const std::vector<std::string>& args) { return Cmd(args); }
// A set with equal and distinct scores, members out of insertion order.
DiffStep Seed() {
  return Z(
      {"ZADD", "k", "2", "b", "1", "c", "1", "a", "3", "d", "-inf", "m", "+inf", "z", "1.5", "x"});
}
// 130 members: past zset-max-listpack-entries, so the skiplist encoding.
DiffStep SeedBig() {
  std::vector<std::string> args = {"ZADD", "k"};
  for (int i = 0; i < 130; ++i) {
    args.push_back(std::to_string(i % 17) + (i % 3 == 0 ? ".5" : ""));
    args.push_back("m" + std::to_string(i));
  }
  return Z(args);
}

std::vector<DiffCase> Table() {
  return {
      {"zadd basic", {Seed(), Z({"ZCARD", "k"}), Z({"ZRANGE", "k", "0", "-1", "WITHSCORES"})}},
      {"zadd options",
       {Seed(), Z({"ZADD", "k", "NX", "5", "a", "5", "new"}),
        Z({"ZADD", "k", "XX", "5", "a", "6", "q"}),
        Z({"ZADD", "k", "XX", "CH", "7", "a", "7", "b"}),
        Z({"ZADD", "k", "GT", "CH", "1", "a", "9", "b"}),
        Z({"ZADD", "k", "LT", "CH", "1", "a", "9", "b"}), Z({"ZADD", "k", "GT", "XX", "100", "c"}),
        Z({"ZRANGE", "k", "0", "-1", "WITHSCORES"})}},
      {"zadd incr",
       {Z({"ZADD", "k", "INCR", "1.5", "a"}), Z({"ZADD", "k", "INCR", "2", "a"}),
        Z({"ZADD", "k", "NX", "INCR", "2", "a"}), Z({"ZADD", "k", "XX", "INCR", "2", "b"}),
        Z({"ZADD", "k", "GT", "INCR", "-1", "a"}), Z({"ZADD", "k", "INCR", "inf", "a"}),
        Z({"ZADD", "k", "INCR", "-inf", "a"}), Z({"ZSCORE", "k", "a"})}},
      {"zadd errors",
       {Z({"ZADD", "k"}), Z({"ZADD", "k", "1"}), Z({"ZADD", "k", "1", "a", "2"}),
        Z({"ZADD", "k", "NX", "XX", "1", "a"}), Z({"ZADD", "k", "GT", "LT", "1", "a"}),
        Z({"ZADD", "k", "NX", "GT", "1", "a"}), Z({"ZADD", "k", "INCR", "1", "a", "2", "b"}),
        Z({"ZADD", "k", "x", "a"}), Z({"ZADD", "k", "nan", "a"}), Z({"ZADD", "k", "", "a"}),
        Z({"ZADD", "k", " 1", "a"}), Z({"ZADD", "k", "1 ", "a"}), Z({"ZADD", "k", "1e400", "a"}),
        Z({"ZADD", "k", "1", "a", "x", "b"}), Z({"EXISTS", "k"}),
        Z({"ZADD", "k", "FOO", "1", "a"})}},
      {"zadd score forms",
       {Z({"ZADD",
           "k",
           "0x10",
           "a",
           "1e3",
           "b",
           "-0",
           "c",
           "+5",
           "d",
           "1.1",
           "e",
           "123456789012345678",
           "f",
           "inf",
           "g",
           "-infinity",
           "h",
           ".5",
           "i"}),
        Z({"ZRANGE", "k", "0", "-1", "WITHSCORES"}), Z({"ZSCAN", "k", "0"}),
        Z({"ZSCORE", "k", "e"})}},
      {"zincrby",
       {Z({"ZINCRBY", "k", "2", "a"}), Z({"ZINCRBY", "k", "-0.5", "a"}),
        Z({"ZINCRBY", "k", "x", "a"}), Z({"ZINCRBY", "k", "nx", "a"}), Z({"ZADD", "k", "inf", "b"}),
        Z({"ZINCRBY", "k", "-inf", "b"}), Z({"ZINCRBY", "k"})}},
      {"zrem",
       {Seed(), Z({"ZREM", "k", "a", "nosuch", "a"}), Z({"ZREM", "nokey", "a"}),
        Z({"ZREM", "k", "b", "c", "d", "m", "z", "x"}), Z({"EXISTS", "k"}), Z({"ZREM", "k"})}},
      {"zscore zmscore",
       {Seed(), Z({"ZSCORE", "k", "a"}), Z({"ZSCORE", "k", "no"}), Z({"ZSCORE", "nokey", "a"}),
        Z({"ZMSCORE", "k", "a", "no", "z", "m"}), Z({"ZMSCORE", "nokey", "a", "b"}),
        Z({"ZMSCORE", "k"})}},
      {"zcount",
       {Seed(), Z({"ZCOUNT", "k", "-inf", "+inf"}), Z({"ZCOUNT", "k", "(1", "3"}),
        Z({"ZCOUNT", "k", "1", "(3"}), Z({"ZCOUNT", "k", "(1", "(1"}), Z({"ZCOUNT", "k", "", ""}),
        Z({"ZCOUNT", "k", " 1", "2"}), Z({"ZCOUNT", "k", "x", "2"}), Z({"ZCOUNT", "k", "nan", "2"}),
        Z({"ZCOUNT", "k", "(", "2"}), Z({"ZCOUNT", "k", "3", "1"}),
        Z({"ZCOUNT", "nokey", "x", "1"}), Z({"ZCOUNT", "nokey", "0", "1"})}},
      {"zrank",
       {Seed(), Z({"ZRANK", "k", "a"}), Z({"ZRANK", "k", "c"}), Z({"ZREVRANK", "k", "a"}),
        Z({"ZRANK", "k", "no"}), Z({"ZRANK", "nokey", "a"}), Z({"ZREVRANK", "k", "z"})}},
      {"zrange by rank",
       {Seed(), Z({"ZRANGE", "k", "0", "-1"}), Z({"ZRANGE", "k", "2", "4", "WITHSCORES"}),
        Z({"ZRANGE", "k", "-3", "-1", "REV", "WITHSCORES"}), Z({"ZRANGE", "k", "5", "2"}),
        Z({"ZRANGE", "k", "-100", "100"}), Z({"ZRANGE", "k", "x", "1"}),
        Z({"ZRANGE", "k", "0", "1", "LIMIT", "0", "1"}),
        Z({"ZRANGE", "k", "0", "1", "LIMIT", "0", "-1"}), Z({"ZRANGE", "k", "0", "1", "FOO"}),
        Z({"ZREVRANGE", "k", "0", "2", "WITHSCORES"}), Z({"ZREVRANGE", "k", "0", "2", "REV"}),
        Z({"ZRANGE", "nokey", "0", "-1"}), Z({"ZRANGE", "nokey", "x", "-1"})}},
      {"zrange by score",
       {Seed(), Z({"ZRANGE", "k", "1", "2", "BYSCORE", "WITHSCORES"}),
        Z({"ZRANGE", "k", "(1", "+inf", "BYSCORE", "LIMIT", "1", "2"}),
        Z({"ZRANGE", "k", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "0", "3", "WITHSCORES"}),
        Z({"ZRANGEBYSCORE", "k", "-inf", "(2", "WITHSCORES", "LIMIT", "1", "-1"}),
        Z({"ZRANGEBYSCORE", "k", "-inf", "inf", "LIMIT", "-1", "2"}),
        Z({"ZRANGEBYSCORE", "k", "-inf", "inf", "LIMIT", "7", "2"}),
        Z({"ZRANGEBYSCORE", "k", "-inf", "inf", "LIMIT", "1"}),
        Z({"ZRANGEBYSCORE", "k", "-inf", "inf", "REV"}),
        Z({"ZREVRANGEBYSCORE", "k", "3", "(1", "WITHSCORES"}),
        Z({"ZREVRANGEBYSCORE", "k", "+inf", "-inf", "LIMIT", "2", "2"}),
        Z({"ZRANGEBYSCORE", "k", "a", "1"}), Z({"ZRANGE", "k", "1", "2", "BYSCORE", "BYLEX"})}},
      {"zrange by lex",
       {Z({"ZADD", "k", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"}),
        Z({"ZRANGE", "k", "[b", "(d", "BYLEX"}), Z({"ZRANGE", "k", "+", "-", "BYLEX", "REV"}),
        Z({"ZRANGEBYLEX", "k", "-", "+", "LIMIT", "1", "2"}), Z({"ZREVRANGEBYLEX", "k", "(d", "-"}),
        Z({"ZRANGEBYLEX", "k", "a", "+"}), Z({"ZRANGEBYLEX", "k", "[a", "+", "WITHSCORES"}),
        Z({"ZRANGE", "k", "-", "+", "BYLEX", "WITHSCORES"}), Z({"ZLEXCOUNT", "k", "(a", "[d"}),
        Z({"ZLEXCOUNT", "k", "+", "-"}), Z({"ZLEXCOUNT", "k", "x", "-"})}},
      {"zremrange",
       {Seed(), Z({"ZREMRANGEBYSCORE", "k", "(1", "2"}), Z({"ZRANGE", "k", "0", "-1"}),
        Z({"ZREMRANGEBYRANK", "k", "0", "0"}), Z({"ZREMRANGEBYRANK", "k", "-1", "-1"}),
        Z({"ZREMRANGEBYRANK", "k", "5", "1"}), Z({"ZREMRANGEBYRANK", "k", "x", "1"}),
        Z({"ZREMRANGEBYSCORE", "k", "x", "1"}), Z({"ZREMRANGEBYLEX", "k", "x", "1"}),
        Z({"ZRANGE", "k", "0", "-1", "WITHSCORES"}), Z({"ZREMRANGEBYRANK", "k", "0", "-1"}),
        Z({"EXISTS", "k"}), Z({"ZREMRANGEBYSCORE", "nokey", "0", "1"})}},
      {"zpop",
       {Seed(), Z({"ZPOPMIN", "k"}), Z({"ZPOPMAX", "k"}), Z({"ZPOPMIN", "k", "2"}),
        Z({"ZPOPMAX", "k", "0"}), Z({"ZPOPMAX", "k", "-1"}), Z({"ZPOPMAX", "k", "x"}),
        Z({"ZPOPMIN", "k", "1", "2"}), Z({"ZPOPMAX", "k", "100"}), Z({"EXISTS", "k"}),
        Z({"ZPOPMIN", "k"}), Z({"ZPOPMIN", "k", "3"})}},
      {"zrandmember deterministic",
       {Seed(), Z({"ZRANDMEMBER", "k", "100"}), Z({"ZRANDMEMBER", "k", "100", "WITHSCORES"}),
        Z({"ZRANDMEMBER", "k", "0"}), Z({"ZRANDMEMBER", "nokey"}), Z({"ZRANDMEMBER", "nokey", "5"}),
        Z({"ZRANDMEMBER", "k", "x"}), Z({"ZRANDMEMBER", "k", "1", "FOO"}),
        Z({"ZRANDMEMBER", "k", "1", "WITHSCORES", "x"}),
        Z({"ZRANDMEMBER", "k", "-9223372036854775808"}),
        Z({"ZRANDMEMBER", "k", "-9223372036854775807", "WITHSCORES"})}},
      {"zscan",
       {Seed(), Z({"ZSCAN", "k", "0"}), Z({"ZSCAN", "k", "0", "MATCH", "[a-c]"}),
        Z({"ZSCAN", "k", "0", "COUNT", "0"}), Z({"ZSCAN", "k", "0", "COUNT", "x"}),
        Z({"ZSCAN", "k", "0", "TYPE", "zset"}), Z({"ZSCAN", "k", "x"}), Z({"ZSCAN", "k", " 1"}),
        Z({"ZSCAN", "k", "-1"}), Z({"ZSCAN", "nokey", "0", "FOO"}),
        Z({"ZSCAN", "k", "0", "MATCH"})}},
      {"encodings",
       {Z({"ZADD", "k", "1", "a"}), Z({"OBJECT", "ENCODING", "k"}),
        Z({"ZADD", "k", "1", std::string(64, 'x')}), Z({"OBJECT", "ENCODING", "k"}),
        Z({"ZADD", "k", "1", std::string(65, 'y')}), Z({"OBJECT", "ENCODING", "k"}),
        Z({"ZREM", "k", std::string(65, 'y')}), Z({"OBJECT", "ENCODING", "k"}),
        Z({"ZADD", "k2", "1", std::string(65, 'y')}), Z({"OBJECT", "ENCODING", "k2"}),
        Z({"TYPE", "k"})}},
      {"skiplist",
       {SeedBig(),
        Z({"OBJECT", "ENCODING", "k"}),
        Z({"ZCARD", "k"}),
        Z({"ZRANGE", "k", "10", "20", "WITHSCORES"}),
        Z({"ZRANGE", "k", "-5", "-1", "REV"}),
        Z({"ZRANGEBYSCORE", "k", "(3", "5", "WITHSCORES", "LIMIT", "2", "5"}),
        Z({"ZREVRANGEBYSCORE", "k", "5", "(3", "LIMIT", "1", "3"}),
        Z({"ZCOUNT", "k", "(1", "16"}),
        Z({"ZRANK", "k", "m50"}),
        Z({"ZREVRANK", "k", "m50"}),
        Z({"ZSCORE", "k", "m51"}),
        Z({"ZINCRBY", "k", "0.25", "m51"}),
        Z({"ZRANK", "k", "m51"}),
        Z({"ZPOPMIN", "k", "3"}),
        Z({"ZPOPMAX", "k", "2"}),
        Z({"ZREMRANGEBYSCORE", "k", "(15", "+inf"}),
        Z({"ZREMRANGEBYRANK", "k", "0", "9"}),
        Z({"ZCARD", "k"}),
        Z({"ZRANGE", "k", "0", "-1", "WITHSCORES"}),
        Z({"ZRANDMEMBER", "k", "1000", "WITHSCORES"}),
        Z({"OBJECT", "ENCODING", "k"})}},
      {"wrongtype",
       {Z({"SET", "k", "v"}), Z({"ZADD", "k", "1", "a"}), Z({"ZSCORE", "k", "a"}),
        Z({"ZRANGE", "k", "0", "-1"}), Z({"ZREM", "k", "a"}), Z({"ZPOPMIN", "k"}),
        Z({"ZCARD", "k"}), Z({"ZMSCORE", "k", "a"}), Z({"ZSCAN", "k", "0"}),
        Z({"ZRANDMEMBER", "k"}), Z({"ZCOUNT", "k", "x", "1"}), Z({"ZADD", "k", "x", "a"}),
        Z({"ZADD", "k2", "1", "a"}), Z({"GET", "k2"}), Z({"SET", "k2", "v"}), Z({"GET", "k2"})}},
      {"expiry kept",
       {Z({"ZADD", "k", "1", "a"}), Z({"PEXPIRE", "k", "100000"}), Z({"ZADD", "k", "2", "b"}),
        Approx({"PTTL", "k"}, kPttlSlackMs), Z({"ZREM", "k", "a", "b"}), Z({"PTTL", "k"})}},
      {"scripts",
       {Z({"EVAL",
           "redis.call('zadd', KEYS[1], 1.5, 'a', 2, 'b') return redis.call('zrange', "
           "KEYS[1], 0, -1, 'withscores')",
           "1", "k"}),
        Z({"EVAL", "return redis.call('zscore', KEYS[1], 'a')", "1", "k"}),
        Z({"EVAL", "return redis.call('zincrby', KEYS[1], 1, 'a')", "1", "k"}),
        Z({"EVAL", "return redis.pcall('zadd', KEYS[1], 'x', 'a')", "1", "k"}),
        Z({"EVAL", "redis.setresp(3) return redis.call('zscore', KEYS[1], 'a')", "1", "k"}),
        Z({"EVAL", "redis.setresp(3) return redis.call('zrange', KEYS[1], 0, -1, 'withscores')",
           "1", "k"}),
        Z({"EVAL", "return redis.call('zpopmin', KEYS[1], 5)", "1", "k"}), Z({"EXISTS", "k"})}},
  };
}

StepGen ZAddGen() {
  return [](Rng& r) {
    std::vector<std::string> args =
        WithSome(r, {"ZADD", AnyKey(r)}, {"NX", "XX", "GT", "LT", "CH", "INCR"}, 0.15);
    const int pairs = std::uniform_int_distribution<>(1, 3)(r);
    for (int i = 0; i < pairs; ++i) {
      args.push_back(Pick(r, {"1", "2", "3", "1.5", "-1", "0", "inf", "-inf", "x", "1e3"}));
      args.push_back(Pick(r, {"a", "b", "c", "d", "e", "1", "10", std::string(63, 'm')}));
    }
    return args;
  };
}

std::vector<StepGen> ZSetSteps() {
  static const std::vector<std::string> members = {"a", "b", "c", "d", "e", "1", "10", "zz"};
  static const std::vector<std::string> scores = {"1",  "2", "(1",  "-inf", "+inf",
                                                  "(2", "0", "1.5", "x",    "3"};
  static const std::vector<std::string> ranks = {"0", "1", "-1", "2", "-2", "5", "-100", "x"};
  static const std::vector<std::string> lex = {"-", "+", "[a", "(b", "[c", "(e", "a"};
  auto m = [](Rng& r) { return Pick(r, members); };
  std::vector<StepGen> gens = {
      ZAddGen(),
      ZAddGen(),
      ZAddGen(),
      [=](Rng& r) -> std::vector<std::string> {
        return {"ZINCRBY", AnyKey(r), Pick(r, scores), m(r)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"ZREM", AnyKey(r), m(r), m(r)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"ZSCORE", AnyKey(r), m(r)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"ZMSCORE", AnyKey(r), m(r), m(r)};
      },
      [](Rng& r) -> std::vector<std::string> {
        return {"ZCARD", AnyKey(r)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"ZCOUNT", AnyKey(r), Pick(r, scores), Pick(r, scores)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {Pick(r, {"ZRANK", "ZREVRANK"}), AnyKey(r), m(r)};
      },
      [=](Rng& r) {
        return WithSome(r, {"ZRANGE", AnyKey(r), Pick(r, ranks), Pick(r, ranks)},
                        {"REV", "WITHSCORES"});
      },
      [=](Rng& r) {
        return WithSome(r, {"ZRANGE", AnyKey(r), Pick(r, scores), Pick(r, scores), "BYSCORE"},
                        {"REV", "LIMIT", Pick(r, ranks), Pick(r, ranks), "WITHSCORES"}, 0.4);
      },
      [=](Rng& r) {
        return WithSome(r,
                        {Pick(r, {"ZRANGEBYSCORE", "ZREVRANGEBYSCORE"}), AnyKey(r), Pick(r, scores),
                         Pick(r, scores)},
                        {"WITHSCORES", "LIMIT", Pick(r, ranks), Pick(r, ranks)}, 0.4);
      },
      [=](Rng& r) {
        return WithSome(r, {"ZREVRANGE", AnyKey(r), Pick(r, ranks), Pick(r, ranks)},
                        {"WITHSCORES"});
      },
      [=](Rng& r) {
        return WithSome(r,
                        {Pick(r, {"ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT"}), AnyKey(r),
                         Pick(r, lex), Pick(r, lex)},
                        {"LIMIT", Pick(r, ranks), Pick(r, ranks)}, 0.2);
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"ZREMRANGEBYSCORE", AnyKey(r), Pick(r, scores), Pick(r, scores)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"ZREMRANGEBYRANK", AnyKey(r), Pick(r, ranks), Pick(r, ranks)};
      },
      [=](Rng& r) -> std::vector<std::string> {
        return {"ZREMRANGEBYLEX", AnyKey(r), Pick(r, lex), Pick(r, lex)};
      },
      [=](Rng& r) {
        return WithSome(r, {Pick(r, {"ZPOPMIN", "ZPOPMAX"}), AnyKey(r)}, {Pick(r, ranks)});
      },
      [](Rng& r) {
        return WithSome(r, {"ZRANDMEMBER", AnyKey(r), Pick(r, {"200", "0", "x"})}, {"WITHSCORES"});
      },
      [](Rng& r) {
        return WithSome(r, {"ZSCAN", AnyKey(r), Pick(r, {"0", "7", "x"})},
                        {"MATCH", "[a-c]*", "COUNT", "2"});
      },
  };
  for (const StepGen& g : ForeignSteps()) gens.push_back(g);
  return gens;
}

class ZSetDiffTest : public DiffTest {};

TEST_F(ZSetDiffTest, Commands) { RunTable("zset", Table()); }

TEST_F(ZSetDiffTest, CommandsResp3) {
  std::vector<DiffCase> cases = Table();
  for (DiffCase& c : cases) {
    c.name += " resp3";
    c.steps.insert(c.steps.begin(), Hello({"HELLO", "3"}));
  }
  RunTable("zset-resp3", cases);
}

TEST_F(ZSetDiffTest, RandomSequences) {
  RunTable("zset-random", RandomCases("zset", 1801, 12, 80, ZSetSteps(), false));
  RunTable("zset-random", RandomCases("zset", 1802, 12, 80, ZSetSteps(), true));
}

}  // namespace
}  // namespace locknode::test

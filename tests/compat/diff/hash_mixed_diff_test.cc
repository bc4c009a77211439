// Differential cases for hash keys among the other commands: the TTL family and key commands on
// hash keys, WRONGTYPE in both directions, hashes inside scripts (errors, pcall, what a script's
// failed write leaves), and seeded random mixed-type sequences over two keys (the WRONGTYPE
// paths every order of writes reaches). Hashes stay small here, so every reply is compared byte
// for byte (listpack keeps insertion order).
#include <random>
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

class HashMixedDiffTest : public DiffTest {};

TEST_F(HashMixedDiffTest, KeyCommandsOnHashes) {
  RunTable(
      "hash-keys",
      {
          {"ttl family",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"TTL", "k"}), Cmd({"PEXPIRE", "k", "100000"}),
            Pttl(), Ttl(), Cmd({"HSET", "k", "b", "2"}), Pttl(), Cmd({"HINCRBY", "k", "a", "1"}),
            Pttl(), Cmd({"HDEL", "k", "b"}), Pttl(), Cmd({"PERSIST", "k"}), Cmd({"TTL", "k"}),
            Cmd({"EXPIRETIME", "k"})}},
          {"expired hash",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"PEXPIRE", "k", "1"}),
            NoTtl(Cmd({"EVAL", "local x = 0 for i = 1, 3000000 do x = x + i end return 0", "0"})),
            Cmd({"EXISTS", "k"}), Cmd({"HGET", "k", "a"})}},
          {"past deadline deletes",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"PEXPIREAT", "k", "1"}), Cmd({"TYPE", "k"})}},
          {"last field drops ttl",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"EXPIRE", "k", "100"}), Cmd({"HDEL", "k", "a"}),
            Cmd({"HSET", "k", "a", "1"}), Cmd({"TTL", "k"})}},
          {"exists del type dbsize",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"SET", "k2", "s"}), Cmd({"EXISTS", "k", "k2", "k3"}),
            Cmd({"TYPE", "k"}), Cmd({"DBSIZE"}), Cmd({"DEL", "k", "k2"}), Cmd({"TYPE", "k"}),
            Cmd({"DBSIZE"})}},
          {"object refcount",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"OBJECT", "REFCOUNT", "k"}),
            Cmd({"OBJECT", "ENCODING", "k"})}},
          {"set overwrites hash",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"PEXPIRE", "k", "100000"}), Cmd({"SET", "k", "v"}),
            Cmd({"TYPE", "k"}), Cmd({"TTL", "k"}), Cmd({"GET", "k"})}},
          {"set keepttl over hash",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"PEXPIRE", "k", "100000"}),
            Cmd({"SET", "k", "v", "KEEPTTL"}), Pttl()}},
          {"set get on hash",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"SET", "k", "v", "GET"}), Cmd({"TYPE", "k"})}},
      });
}

TEST_F(HashMixedDiffTest, WrongType) {
  std::vector<DiffCase> cases;
  const std::vector<std::vector<std::string>> hash_cmds = {{"HSET", "k", "a", "1"},
                                                           {"HSETNX", "k", "a", "1"},
                                                           {"HGET", "k", "a"},
                                                           {"HMGET", "k", "a", "b"},
                                                           {"HMSET", "k", "a", "1"},
                                                           {"HDEL", "k", "a"},
                                                           {"HEXISTS", "k", "a"},
                                                           {"HINCRBY", "k", "a", "1"},
                                                           {"HINCRBYFLOAT", "k", "a", "1"},
                                                           {"HLEN", "k"},
                                                           {"HKEYS", "k"},
                                                           {"HVALS", "k"},
                                                           {"HGETALL", "k"},
                                                           {"HSTRLEN", "k", "a"},
                                                           {"HRANDFIELD", "k"},
                                                           {"HRANDFIELD", "k", "0"},
                                                           {"HRANDFIELD", "k", "-2", "WITHVALUES"},
                                                           {"HSCAN", "k", "0"},
                                                           {"HSET", "k", "a"},
                                                           {"HINCRBY", "k", "a", "x"},
                                                           {"HSCAN", "k", "x"},
                                                           {"HRANDFIELD", "k", "1", "foo"}};
  for (const auto& args : hash_cmds) {
    cases.push_back({"string key: " + args[0] + " " + std::to_string(args.size()),
                     {Cmd({"SET", "k", "v"}), Cmd(args), Cmd({"GET", "k"})}});
  }
  const std::vector<std::vector<std::string>> string_cmds = {
      {"GET", "k"},           {"GETRANGE", "k", "0", "1"}, {"MGET", "k", "k2"},
      {"SETNX", "k", "v"},    {"MSETNX", "k", "v"},        {"SET", "k", "v", "NX"},
      {"SET", "k", "v", "XX"}};
  for (const auto& args : string_cmds) {
    cases.push_back({"hash key: " + args[0] + " " + std::to_string(args.size()),
                     {Cmd({"HSET", "k", "a", "1"}), Cmd(args), Cmd({"TYPE", "k"})}});
  }
  RunTable("hash-wrongtype", cases);
}

TEST_F(HashMixedDiffTest, Scripts) {
  RunTable(
      "hash-scripts",
      {
          {"hincrby in eval",
           {Cmd({"EVAL", "return redis.call('hincrby', KEYS[1], ARGV[1], 1)", "1", "k", "f"}),
            Cmd({"EVAL", "return redis.call('hincrbyfloat', KEYS[1], ARGV[1], '1.5')", "1", "k",
                 "f"}),
            Cmd({"EVAL", "return redis.call('hgetall', KEYS[1])", "1", "k"}),
            Cmd({"EVAL", "return redis.call('hget', KEYS[1], 'nofield')", "1", "k"}),
            Cmd({"EVAL", "return redis.call('hmget', KEYS[1], 'f', 'x')", "1", "k"}),
            Cmd({"EVAL", "return redis.call('hexists', KEYS[1], 'f')", "1", "k"}),
            Cmd({"EVAL", "return redis.call('hscan', KEYS[1], 0)", "1", "k"})}},
          {"hgetall resp3 client",
           {Hello({"HELLO", "3"}), Cmd({"HSET", "k", "a", "1"}),
            Cmd({"EVAL", "return redis.call('hgetall', KEYS[1])", "1", "k"}),
            Cmd({"EVAL", "redis.setresp(3) return redis.call('hgetall', KEYS[1])", "1", "k"})}},
          {"wrongtype in script",
           {Cmd({"SET", "k", "v"}),
            Cmd({"EVAL", "return redis.call('hget', KEYS[1], 'a')", "1", "k"}),
            Cmd({"EVAL", "return redis.pcall('hset', KEYS[1], 'a', 1)", "1", "k"}),
            Cmd({"EVAL", "local r = redis.pcall('hincrby', KEYS[1], 'a', 1) return r['err']", "1",
                 "k"})}},
          // Redis does not roll back a script that fails after a write; neither do we (only
          // a script aborted by its budget is undone).
          {"error after hash write keeps the write",
           {Cmd({"HSET", "k", "a", "1"}),
            Cmd({"EVAL",
                 "redis.call('hincrby', KEYS[1], 'a', 5) redis.call('hset', KEYS[1], 'b', 2) "
                 "return redis.call('hincrby', KEYS[1], 'a', 'x')",
                 "1", "k"}),
            Cmd({"HGETALL", "k"})}},
          {"hash errors in scripts",
           {Cmd({"EVAL", "return redis.call('hset', KEYS[1], 'a')", "1", "k"}),
            Cmd({"EVAL", "return redis.call('hincrbyfloat', KEYS[1], 'a', 'inf')", "1", "k"}),
            Cmd({"EVAL", "return redis.pcall('hrandfield', KEYS[1], 'x')", "1", "k"})}},
      });
}

// Seeded random sequences of string, hash and key commands over two keys and three fields.
// Small hashes only, so every reply (listpack order included) is deterministic.
std::vector<std::string> RandomCommand(std::mt19937& rng) {
  const std::vector<std::string> keys = {"k", "k2"};
  const std::vector<std::string> fields = {"a", "b", "c"};
  const std::vector<std::string> values = {"1", "-2", "x", "10", ""};
  auto pick = [&](const std::vector<std::string>& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
  };
  const std::string key = pick(keys);
  switch (std::uniform_int_distribution<int>(0, 18)(rng)) {
    case 0:
      return {"SET", key, pick(values)};
    case 1:
      return {"GET", key};
    case 2:
      return {"HSET", key, pick(fields), pick(values)};
    case 3:
      return {"HSET", key, pick(fields), pick(values), pick(fields), pick(values)};
    case 4:
      return {"HGET", key, pick(fields)};
    case 5:
      return {"HDEL", key, pick(fields), pick(fields)};
    case 6:
      return {"HINCRBY", key, pick(fields), pick(values)};
    case 7:
      return {"HINCRBYFLOAT", key, pick(fields), "0.5"};
    case 8:
      return {"HLEN", key};
    case 9:
      return {"HGETALL", key};
    case 10:
      return {"TYPE", key};
    case 11:
      return {"DEL", key};
    case 12:
      return {"HSETNX", key, pick(fields), pick(values)};
    case 13:
      return {"HEXISTS", key, pick(fields)};
    case 14:
      return {"HSTRLEN", key, pick(fields)};
    case 15:
      return {"MGET", "k", "k2"};
    case 16:
      return {"HMGET", key, pick(fields), pick(fields)};
    case 17:
      return {"OBJECT", "ENCODING", key};
    default:
      return {"HRANDFIELD", key, "5", "WITHVALUES"};
  }
}

TEST_F(HashMixedDiffTest, RandomMixedSequences) {
  std::vector<DiffCase> cases;
  for (unsigned seed = 1; seed <= 40; ++seed) {
    std::mt19937 rng(seed);
    DiffCase c{"seed " + std::to_string(seed), {}};
    if (seed % 2 == 0) c.steps.push_back(Hello({"HELLO", "3"}));
    for (int i = 0; i < 40; ++i) c.steps.push_back(Cmd(RandomCommand(rng)));
    cases.push_back(std::move(c));
  }
  RunTable("hash-random", cases);
}

}  // namespace
}  // namespace locknode::test

// Differential cases for the hash family (Redis 7.0 src/t_hash.c) against the real redis-server:
// every command's replies and errors in RESP2 and RESP3, the listpack -> hashtable conversion
// Redis reports in OBJECT ENCODING, TTLs on hash keys, WRONGTYPE both ways, scripts, and seeded
// random mixed-type sequences over two keys. A hashtable-encoded hash lists its fields in
// Redis's dict order, which no other server shares: those replies are compared as multisets
// (Compare::kUnordered); everything else byte for byte.
#include <random>
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

DiffStep Enc(const std::string& key = "k") { return Cmd({"OBJECT", "ENCODING", key}); }

// HSET key f0 v0 ... f<n-1> v<n-1>, each value `value_len` bytes.
DiffStep Fill(const std::string& key, int n, size_t value_len = 1) {
  std::vector<std::string> args = {"HSET", key};
  for (int i = 0; i < n; ++i) {
    args.push_back("f" + std::to_string(i));
    args.push_back(std::string(value_len, static_cast<char>('a' + i % 26)));
  }
  return Cmd(args);
}

class HashDiffTest : public DiffTest {};

TEST_F(HashDiffTest, SetGetAndDelete) {
  RunTable(
      "hash-basic",
      {
          {"hset hget",
           {Cmd({"HSET", "k", "f", "v"}), Cmd({"HGET", "k", "f"}), Cmd({"HGET", "k", "nofield"}),
            Cmd({"HGET", "k2", "f"})}},
          {"hset many and update",
           {Cmd({"HSET", "k", "a", "1", "b", "2", "c", "3"}),
            Cmd({"HSET", "k", "a", "9", "d", "4"}), Cmd({"HGETALL", "k"}), Cmd({"HKEYS", "k"}),
            Cmd({"HVALS", "k"}), Cmd({"HLEN", "k"})}},
          {"hset duplicate field in one call",
           {Cmd({"HSET", "k", "a", "1", "a", "2"}), Cmd({"HGETALL", "k"})}},
          {"hset odd", {Cmd({"HSET", "k", "a", "1", "b"}), Cmd({"EXISTS", "k"})}},
          {"hset arity", {Cmd({"HSET", "k", "a"}), Cmd({"HSET", "k"})}},
          {"hmset",
           {Cmd({"HMSET", "k", "a", "1", "b", "2"}), Cmd({"HMSET", "k", "a"}),
            Cmd({"HMSET", "k", "a", "1", "b"}), Cmd({"HGETALL", "k"})}},
          {"hsetnx",
           {Cmd({"HSETNX", "k", "a", "1"}), Cmd({"HSETNX", "k", "a", "2"}), Cmd({"HGET", "k", "a"}),
            Cmd({"HSETNX", "k", "a"})}},
          {"hmget",
           {Cmd({"HSET", "k", "a", "1", "b", "2"}), Cmd({"HMGET", "k", "a", "x", "b", "a"}),
            Cmd({"HMGET", "k2", "a", "b"}), Cmd({"HMGET", "k"})}},
          {"hdel",
           {Cmd({"HSET", "k", "a", "1", "b", "2", "c", "3"}), Cmd({"HDEL", "k", "a", "x", "a"}),
            Cmd({"HGETALL", "k"}), Cmd({"HDEL", "k", "b", "c"}), Cmd({"EXISTS", "k"}),
            Cmd({"TYPE", "k"}), Cmd({"HDEL", "k", "b"}), Cmd({"HDEL", "k"})}},
          {"hexists hlen hstrlen",
           {Cmd({"HSET", "k", "a", "hello", "n", "12345", "e", ""}), Cmd({"HEXISTS", "k", "a"}),
            Cmd({"HEXISTS", "k", "z"}), Cmd({"HEXISTS", "k2", "a"}), Cmd({"HLEN", "k"}),
            Cmd({"HLEN", "k2"}), Cmd({"HSTRLEN", "k", "a"}), Cmd({"HSTRLEN", "k", "n"}),
            Cmd({"HSTRLEN", "k", "e"}), Cmd({"HSTRLEN", "k", "z"}), Cmd({"HSTRLEN", "k2", "a"}),
            Cmd({"HGET", "k", "e"})}},
          {"empty hash parts", {Cmd({"HGETALL", "k"}), Cmd({"HKEYS", "k"}), Cmd({"HVALS", "k"})}},
          {"binary fields",
           {Cmd({"HSET", "k", std::string("a\0b", 3), std::string("\r\n", 2)}),
            Cmd({"HGETALL", "k"}), Cmd({"HSTRLEN", "k", std::string("a\0b", 3)})}},
          {"arity",
           {Cmd({"HGET", "k"}), Cmd({"HLEN"}), Cmd({"HKEYS", "k", "x"}), Cmd({"HGETALL"}),
            Cmd({"HEXISTS", "k"}), Cmd({"HSTRLEN", "k"}), Cmd({"HDEL", "k"}),
            Cmd({"HINCRBY", "k", "f"}), Cmd({"HINCRBYFLOAT", "k", "f", "1", "2"}),
            Cmd({"HRANDFIELD"}), Cmd({"HSCAN", "k"})}},
      });
}

TEST_F(HashDiffTest, Increments) {
  RunTable("hash-incr",
           {
               {"hincrby",
                {Cmd({"HINCRBY", "k", "n", "5"}), Cmd({"HINCRBY", "k", "n", "-7"}),
                 Cmd({"HGET", "k", "n"}), Cmd({"HINCRBY", "k", "n", "0"})}},
               {"hincrby bad increment",
                {Cmd({"HINCRBY", "k", "n", "x"}), Cmd({"HINCRBY", "k", "n", "1.5"}),
                 Cmd({"HINCRBY", "k", "n", "9223372036854775808"}), Cmd({"EXISTS", "k"})}},
               {"hincrby bad value",
                {Cmd({"HSET", "k", "s", "abc", "e", "", "z", "01", "sp", " 1"}),
                 Cmd({"HINCRBY", "k", "s", "1"}), Cmd({"HINCRBY", "k", "e", "1"}),
                 Cmd({"HINCRBY", "k", "z", "1"}), Cmd({"HINCRBY", "k", "sp", "1"})}},
               {"hincrby overflow",
                {Cmd({"HSET", "k", "max", "9223372036854775807", "min", "-9223372036854775808"}),
                 Cmd({"HINCRBY", "k", "max", "1"}), Cmd({"HINCRBY", "k", "min", "-1"}),
                 Cmd({"HINCRBY", "k", "max", "-1"}), Cmd({"HINCRBY", "k", "min", "1"}),
                 Cmd({"HGETALL", "k"})}},
               {"hincrbyfloat",
                {Cmd({"HINCRBYFLOAT", "k", "f", "1.5"}), Cmd({"HINCRBYFLOAT", "k", "f", "0.1"}),
                 Cmd({"HINCRBYFLOAT", "k", "f", "1e2"}), Cmd({"HINCRBYFLOAT", "k", "f", "-101.6"}),
                 Cmd({"HINCRBYFLOAT", "k", "g", "5.0e3"}), Cmd({"HINCRBYFLOAT", "k", "h", "-0"}),
                 Cmd({"HINCRBYFLOAT", "k", "i", "10.50"}), Cmd({"HINCRBYFLOAT", "k", "j", "0x10"}),
                 Cmd({"HINCRBYFLOAT", "k", "l", "1.23456789012345678901"}),
                 Cmd({"HINCRBYFLOAT", "k", "m", "3"}), Cmd({"HINCRBY", "k", "m", "1"}),
                 Cmd({"HGETALL", "k"})}},
               {"hincrbyfloat errors",
                {Cmd({"HSET", "k", "s", "abc", "big", "1e4000"}),
                 Cmd({"HINCRBYFLOAT", "k", "s", "1"}), Cmd({"HINCRBYFLOAT", "k", "f", "x"}),
                 Cmd({"HINCRBYFLOAT", "k", "f", " 1"}), Cmd({"HINCRBYFLOAT", "k", "f", "inf"}),
                 Cmd({"HINCRBYFLOAT", "k", "f", "-inf"}), Cmd({"HINCRBYFLOAT", "k", "f", "nan"}),
                 Cmd({"HINCRBYFLOAT", "k", "f", ""}), Cmd({"HINCRBYFLOAT", "k", "f", "1e5000"}),
                 Cmd({"HINCRBYFLOAT", "k", "big", "1e4000"}), Cmd({"HLEN", "k"})}},
               {"hincrbyfloat huge value",
                {Cmd({"HINCRBYFLOAT", "k", "f", "1e300"}), Cmd({"HSTRLEN", "k", "f"}), Enc()}},
               {"hincrby integer after float",
                {Cmd({"HINCRBYFLOAT", "k", "f", "2.0"}), Cmd({"HINCRBY", "k", "f", "1"})}},
           });
}

TEST_F(HashDiffTest, RandFieldAndScan) {
  RunTable(
      "hash-random-scan",
      {
          {"hrandfield whole hash",
           {Cmd({"HSET", "k", "a", "1", "b", "2", "c", "3"}), Cmd({"HRANDFIELD", "k", "3"}),
            Cmd({"HRANDFIELD", "k", "100"}), Cmd({"HRANDFIELD", "k", "100", "WITHVALUES"}),
            Cmd({"HRANDFIELD", "k", "3", "withvalues"}), Cmd({"HRANDFIELD", "k", "0"}),
            Cmd({"HRANDFIELD", "k", "0", "WITHVALUES"})}},
          {"hrandfield one field",
           {Cmd({"HSET", "k", "only", "v"}), Cmd({"HRANDFIELD", "k"}),
            Cmd({"HRANDFIELD", "k", "1"}), Cmd({"HRANDFIELD", "k", "-3"}),
            Cmd({"HRANDFIELD", "k", "-2", "WITHVALUES"}),
            Cmd({"HRANDFIELD", "k", "1", "WITHVALUES"})}},
          {"hrandfield missing",
           {Cmd({"HRANDFIELD", "k"}), Cmd({"HRANDFIELD", "k", "5"}),
            Cmd({"HRANDFIELD", "k", "-5", "WITHVALUES"}), Cmd({"HRANDFIELD", "k", "0"})}},
          {"hrandfield errors",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"HRANDFIELD", "k", "x"}),
            Cmd({"HRANDFIELD", "k", "-9223372036854775808"}),
            Cmd({"HRANDFIELD", "k", "9223372036854775807", "WITHVALUES"}),
            Cmd({"HRANDFIELD", "k", "-9223372036854775807", "WITHVALUES"}),
            Cmd({"HRANDFIELD", "k", "1", "foo"}), Cmd({"HRANDFIELD", "k", "1", "WITHVALUES", "x"}),
            Cmd({"HRANDFIELD", "k2", "0", "foo"}), Cmd({"HRANDFIELD", "k2", "x"})}},
          {"hscan listpack",
           {Cmd({"HSET", "k", "a", "1", "b", "2", "ab", "3"}), Cmd({"HSCAN", "k", "0"}),
            Cmd({"HSCAN", "k", "7"}), Cmd({"HSCAN", "k", "0", "COUNT", "1"}),
            Cmd({"HSCAN", "k", "0", "MATCH", "a*"}), Cmd({"HSCAN", "k", "0", "match", "*"}),
            Cmd({"HSCAN", "k", "0", "MATCH", "x*", "COUNT", "100"}), Cmd({"HSCAN", "k", "+1"}),
            Cmd({"HSCAN", "k", ""}), Cmd({"HSCAN", "k", "01"}),
            Cmd({"HSCAN", "k", "18446744073709551615"})}},
          {"hscan errors",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"HSCAN", "k", "x"}), Cmd({"HSCAN", "k", "-1"}),
            Cmd({"HSCAN", "k", " 1"}), Cmd({"HSCAN", "k", "18446744073709551616"}),
            Cmd({"HSCAN", "k", "-0"}), Cmd({"HSCAN", "k", "0x1"}), Cmd({"HSCAN", "k", "+"}),
            Cmd({"HSCAN", "k", "0", "COUNT", "0"}), Cmd({"HSCAN", "k", "0", "COUNT", "x"}),
            Cmd({"HSCAN", "k", "0", "COUNT"}), Cmd({"HSCAN", "k", "0", "MATCH"}),
            Cmd({"HSCAN", "k", "0", "NOVALUES"}), Cmd({"HSCAN", "k", "0", "TYPE", "hash"}),
            Cmd({"HSCAN", "k2", "0", "COUNT", "0"}), Cmd({"HSCAN", "k2", "x"})}},
      });
}

TEST_F(HashDiffTest, Resp3) {
  RunTable("hash-resp3", {
                             {"maps and nulls",
                              {Hello({"HELLO", "3"}),
                               Cmd({"HSET", "k", "a", "1", "b", "2"}),
                               Cmd({"HGETALL", "k"}),
                               Cmd({"HGETALL", "k2"}),
                               Cmd({"HKEYS", "k"}),
                               Cmd({"HVALS", "k"}),
                               Cmd({"HGET", "k", "x"}),
                               Cmd({"HMGET", "k", "a", "x"}),
                               Cmd({"HRANDFIELD", "k2"}),
                               Cmd({"HRANDFIELD", "k", "2", "WITHVALUES"}),
                               Cmd({"HRANDFIELD", "k2", "2"}),
                               Cmd({"HSET", "k3", "only", "v"}),
                               Cmd({"HRANDFIELD", "k3", "-2", "WITHVALUES"}),
                               Cmd({"HRANDFIELD", "k3", "1"}),
                               Cmd({"HSCAN", "k", "0"}),
                               Cmd({"HSCAN", "k2", "0"}),
                               Cmd({"HINCRBYFLOAT", "k", "a", "0.5"}),
                               Cmd({"HSET", "k", "a"}),
                               Cmd({"HGET", "k3", "a"}),
                               Cmd({"DEL", "k3"})}},
                         });
}

TEST_F(HashDiffTest, EncodingConversion) {
  RunTable(
      "hash-encoding",
      {
          {"small is listpack", {Cmd({"HSET", "k", "a", "1"}), Enc(), Cmd({"TYPE", "k"})}},
          {"512 fields stay listpack",
           {Fill("k", 512), Enc(), Cmd({"HLEN", "k"}), Cmd({"HGETALL", "k"})}},
          {"513 fields convert",
           {Fill("k", 512), Cmd({"HSET", "k", "last", "x"}), Enc(), Cmd({"HLEN", "k"}),
            Unordered({"HGETALL", "k"}, 2), Unordered({"HKEYS", "k"}), Unordered({"HVALS", "k"})}},
          {"one call of 513", {Fill("k", 513), Enc(), Cmd({"HLEN", "k"})}},
          {"64-byte value stays", {Cmd({"HSET", "k", "a", std::string(64, 'v')}), Enc()}},
          {"65-byte value converts",
           {Cmd({"HSET", "k", "a", "1", "b", std::string(65, 'v')}), Enc(), Cmd({"HGET", "k", "b"}),
            Unordered({"HGETALL", "k"}, 2)}},
          {"65-byte field converts", {Cmd({"HSET", "k", std::string(65, 'f'), "1"}), Enc()}},
          {"hsetnx long value on existing field",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"HSETNX", "k", "a", std::string(65, 'v')}), Enc(),
            Cmd({"HGET", "k", "a"})}},
          {"hincrby long field",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"HINCRBY", "k", std::string(70, 'n'), "1"}), Enc()}},
          {"hincrbyfloat long result",
           {Cmd({"HSET", "k", "a", "1"}), Cmd({"HINCRBYFLOAT", "k", "a", "1e70"}), Enc()}},
          {"never back",
           {Fill("k", 513), Cmd({"HDEL", "k", "f0", "f1", "f2"}), Enc(), Cmd({"HLEN", "k"})}},
          {"table works",
           {Fill("k", 600, 3), Cmd({"HGET", "k", "f150"}), Cmd({"HEXISTS", "k", "f199"}),
            Cmd({"HDEL", "k", "f0", "f300"}), Cmd({"HSTRLEN", "k", "f10"}),
            Cmd({"HINCRBY", "k", "n", "3"}), Cmd({"HINCRBYFLOAT", "k", "n", "0.25"}),
            Cmd({"HLEN", "k"}), Cmd({"HSETNX", "k", "f5", "x"}), Cmd({"HMGET", "k", "f5", "zz"}),
            Enc()}},
          {"table emptied deletes key",
           {Cmd({"HSET", "k", "a", std::string(65, 'v')}), Cmd({"HDEL", "k", "a"}),
            Cmd({"EXISTS", "k"}), Enc()}},
      });
}

}  // namespace
}  // namespace locknode::test

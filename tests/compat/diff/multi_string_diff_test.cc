// Differential cases for MSET, MSETNX, MGET and GETRANGE (Redis 7.0 src/t_string.c), directly
// and from Lua, including bsm/redislock's obtain/release scripts (COMPAT.md §2.8).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "support/compat_scripts.h"
#include "support/diff_harness.h"

namespace locknode::test {
namespace {

using script::testdata::CompatScript;
using script::testdata::FindCompatScript;

class MultiStringDiffTest : public DiffTest {};

TEST_F(MultiStringDiffTest, MSetAndMSetNx) {
  RunTable(
      "mset-msetnx",
      {
          {"mset", {Cmd({"MSET", "k", "1", "k2", "2"}), Cmd({"MGET", "k", "k2", "k3"})}},
          {"mset lower-case", {Cmd({"mset", "k", "1"}), Cmd({"GET", "k"})}},
          {"mset duplicate key", {Cmd({"MSET", "k", "1", "k", "2"}), Cmd({"GET", "k"})}},
          {"mset clears ttl",
           {Cmd({"SET", "k", "v", "PX", "100000"}), Cmd({"MSET", "k", "w"}), Cmd({"PTTL", "k"})}},
          {"mset binary and empty",
           {Cmd({"MSET", "k", std::string("a\r\n\0b", 5), "k2", ""}), Cmd({"MGET", "k", "k2"})}},
          {"mset no args", {Cmd({"MSET"})}},
          {"mset one arg", {Cmd({"MSET", "k"})}},
          {"mset odd args", {Cmd({"MSET", "k", "1", "k2"}), Cmd({"EXISTS", "k", "k2"})}},
          {"msetnx all new", {Cmd({"MSETNX", "k", "1", "k2", "2"}), Cmd({"MGET", "k", "k2"})}},
          {"msetnx one exists",
           {Cmd({"SET", "k2", "old"}), Cmd({"MSETNX", "k", "1", "k2", "2"}),
            Cmd({"MGET", "k", "k2"})}},
          {"msetnx duplicate key", {Cmd({"MSETNX", "k", "1", "k", "2"}), Cmd({"GET", "k"})}},
          {"msetnx refused keeps ttl",
           {Cmd({"SET", "k", "v", "PX", "100000"}), Cmd({"MSETNX", "k", "w", "k3", "x"}), Pttl("k"),
            Cmd({"EXISTS", "k3"})}},
          {"msetnx no args", {Cmd({"MSETNX"})}},
          {"msetnx odd args", {Cmd({"MSETNX", "k", "1", "k2"}), Cmd({"EXISTS", "k", "k2"})}},
      });
}

TEST_F(MultiStringDiffTest, MGet) {
  RunTable("mget",
           {
               {"mget missing", {Cmd({"MGET", "k"})}},
               {"mget mixed", {Cmd({"SET", "k2", "v"}), Cmd({"MGET", "k", "k2", "k", "k3"})}},
               {"mget no args", {Cmd({"MGET"})}},
               {"mget resp3 nulls",
                {Hello({"HELLO", "3"}), Cmd({"SET", "k", "v"}), Cmd({"MGET", "k", "k2"})}},
           });
}

TEST_F(MultiStringDiffTest, GetRange) {
  const std::vector<std::pair<std::string, std::string>> ranges = {
      {"0", "3"},
      {"-3", "-1"},
      {"0", "-1"},
      {"10", "100"},
      {"-1", "-5"},
      {"5", "3"},
      {"-100", "-1"},
      {"-100", "100"},
      {"100", "200"},
      {"-1", "-1"},
      {"0", "0"},
      {"-5", "-100"},
      {"3", "-100"},
      {"0", "-12"},
      {"-12", "0"},
      {"-11", "-11"},
      {"abc", "1"},
      {"1", "abc"},
      {"1.5", "2"},
      {" 1", "2"},
      {"+1", "2"},
      {"-0", "0"},
      {"", "1"},
      {"01", "2"},
      {"-9223372036854775808", "9223372036854775807"},
      {"-9223372036854775808", "-9223372036854775807"},
      {"9223372036854775807", "9223372036854775807"},
      {"9223372036854775808", "1"},
  };
  std::vector<DiffCase> cases;
  for (const auto& [start, end] : ranges) {
    cases.push_back({"getrange " + start + " " + end,
                     {Cmd({"SET", "k", "Hello World"}), Cmd({"GETRANGE", "k", start, end})}});
  }
  cases.push_back({"missing key", {Cmd({"GETRANGE", "k", "0", "-1"})}});
  cases.push_back({"missing key resp3", {Hello({"HELLO", "3"}), Cmd({"GETRANGE", "k", "0", "1"})}});
  cases.push_back({"missing key bad index", {Cmd({"GETRANGE", "k", "x", "1"})}});
  for (const char* end : {"-1", "0", "5"}) {
    cases.push_back({std::string("empty value 0 ") + end,
                     {Cmd({"SET", "k", ""}), Cmd({"GETRANGE", "k", "0", end})}});
  }
  cases.push_back(
      {"empty value -5 -1", {Cmd({"SET", "k", ""}), Cmd({"GETRANGE", "k", "-5", "-1"})}});
  cases.push_back(
      {"integer value", {Cmd({"SET", "k", "12345"}), Cmd({"GETRANGE", "k", "1", "2"})}});
  cases.push_back(
      {"binary value",
       {Cmd({"SET", "k", std::string("a\0\r\nb", 5)}), Cmd({"GETRANGE", "k", "1", "3"})}});
  cases.push_back({"arity", {Cmd({"GETRANGE", "k", "0"}), Cmd({"GETRANGE", "k", "0", "1", "2"})}});
  RunTable("getrange", cases);
}

TEST_F(MultiStringDiffTest, FromLua) {
  RunTable(
      "multi-string-lua",
      {
          {"msetnx unpack",
           {Cmd({"EVAL", "return redis.call('msetnx', unpack(KEYS))", "4", "k", "1", "k2", "2"}),
            Cmd({"EVAL", "return redis.call('msetnx', unpack(ARGV))", "0", "k2", "3"}),
            Cmd({"EVAL", "return redis.call('mset', unpack(ARGV))", "0", "k2", "3"}),
            Cmd({"EVAL", "return redis.call('mget', 'k', 'k2', 'k3')", "0"})}},
          {"getrange numbers",
           {Cmd({"SET", "k", "abcdef"}),
            Cmd({"EVAL", "return redis.call('getrange', KEYS[1], 0, 2)", "1", "k"}),
            Cmd({"EVAL", "return redis.call('getrange', 'k3', 0, -1)", "0"})}},
          {"errors",
           {Cmd({"EVAL", "return redis.call('mset','k')", "0"}),
            Cmd({"EVAL", "return redis.call('mset','k','1','k2')", "0"}),
            Cmd({"EVAL", "return redis.pcall('msetnx','k','1','k2')", "0"}),
            Cmd({"EVAL", "return redis.call('getrange','k','x','1')", "0"}),
            Cmd({"EVAL_RO", "return redis.call('mset','k','1')", "0"}),
            Cmd({"EXISTS", "k", "k2"})}},
      });
}

// bsm/redislock v0.10: obtain (value = token + metadata, tokenLen, ttl) and release.
TEST_F(MultiStringDiffTest, RedisLockScripts) {
  const CompatScript* obtain10 = FindCompatScript("bsm10_obtain");
  const CompatScript* release10 = FindCompatScript("bsm10_release");
  const CompatScript* obtain09 = FindCompatScript("bsm09_obtain");
  ASSERT_TRUE(obtain10 != nullptr && release10 != nullptr && obtain09 != nullptr);
  const std::string obtain(obtain10->body);
  const std::string release(release10->body);
  const std::string obtain_v09(obtain09->body);
  RunTable("bsm-redislock",
           {
               {"obtain two keys",
                {Cmd({"EVAL", obtain, "2", "k", "k2", "tok1meta", "4", "10000"}),
                 Cmd({"MGET", "k", "k2"}), Pttl("k"), Pttl("k2")}},
               {"obtain held by another",
                {Cmd({"EVAL", obtain, "2", "k", "k2", "tok1meta", "4", "10000"}),
                 Cmd({"EVAL", obtain, "2", "k", "k2", "tok2meta", "4", "10000"}),
                 Cmd({"MGET", "k", "k2"})}},
               {"obtain again with the same token",
                {Cmd({"EVAL", obtain, "2", "k", "k2", "tok1meta", "4", "10000"}),
                 Cmd({"EVAL", obtain, "2", "k", "k2", "tok1other", "4", "50000"}),
                 Cmd({"MGET", "k", "k2"}), Pttl("k2")}},
               {"obtain partly held",
                {Cmd({"SET", "k", "tok9meta"}),
                 Cmd({"EVAL", obtain, "2", "k", "k3", "tok1meta", "4", "10000"}),
                 Cmd({"EXISTS", "k3"}), Cmd({"PTTL", "k"})}},
               {"release",
                {Cmd({"EVAL", obtain, "2", "k", "k2", "tok1meta", "4", "10000"}),
                 Cmd({"EVAL", release, "2", "k", "k2", "tok2meta"}),
                 Cmd({"EVAL", release, "2", "k", "k3", "tok1meta"}),
                 Cmd({"EVAL", release, "2", "k", "k2", "tok1meta"}), Cmd({"EXISTS", "k", "k2"})}},
               {"v0.9 obtain",
                {Cmd({"EVAL", obtain_v09, "1", "lock", "tok1meta", "4", "10000"}),
                 Cmd({"EVAL", obtain_v09, "1", "lock", "tok2meta", "4", "10000"}),
                 Cmd({"EVAL", obtain_v09, "1", "lock", "tok1more", "4", "30000"}),
                 Cmd({"GET", "lock"}), Pttl("lock")}},
           });
}

}  // namespace
}  // namespace locknode::test

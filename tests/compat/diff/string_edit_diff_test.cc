// Differential cases for APPEND, STRLEN, GETDEL, GETEX, GETSET and SETRANGE (Redis 7.0
// src/t_string.c), RESP2 and RESP3, including the OBJECT ENCODING each one leaves behind.
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

class StringEditDiffTest : public DiffTest {};

std::vector<DiffCase> WithResp3(const std::vector<DiffCase>& cases) {
  std::vector<DiffCase> out = cases;
  for (const DiffCase& c : cases) {
    DiffCase r3{c.name + " resp3", {Hello({"HELLO", "3"})}};
    r3.steps.insert(r3.steps.end(), c.steps.begin(), c.steps.end());
    out.push_back(r3);
  }
  return out;
}

TEST_F(StringEditDiffTest, AppendStrlen) {
  RunTable(
      "append-strlen",
      WithResp3({
          {"append missing",
           {Cmd({"APPEND", "k", "123"}), Cmd({"GET", "k"}), Cmd({"OBJECT", "ENCODING", "k"})}},
          {"append grows raw",
           {Cmd({"SET", "k", "1"}), Cmd({"APPEND", "k", "2"}), Cmd({"GET", "k"}),
            Cmd({"OBJECT", "ENCODING", "k"}), Cmd({"OBJECT", "REFCOUNT", "k"})}},
          {"append empty",
           {Cmd({"SET", "k", "ab"}), Cmd({"APPEND", "k", ""}), Cmd({"OBJECT", "ENCODING", "k"})}},
          {"append keeps ttl",
           {Cmd({"SET", "k", "a", "PX", "100000"}), Cmd({"APPEND", "k", "b"}), Pttl("k")}},
          {"append binary",
           {Cmd({"APPEND", "k", std::string("a\0\r\n", 4)}), Cmd({"APPEND", "k", "z"}),
            Cmd({"GET", "k"})}},
          {"set after append is auto again",
           {Cmd({"APPEND", "k", "1"}), Cmd({"APPEND", "k", "2"}), Cmd({"SET", "k", "34"}),
            Cmd({"OBJECT", "ENCODING", "k"})}},
          {"incr after append",
           {Cmd({"APPEND", "k", "1"}), Cmd({"APPEND", "k", "2"}), Cmd({"INCR", "k"}),
            Cmd({"OBJECT", "ENCODING", "k"})}},
          {"strlen",
           {Cmd({"STRLEN", "k"}), Cmd({"SET", "k", "hello"}), Cmd({"STRLEN", "k"}),
            Cmd({"SET", "k", "-12345"}), Cmd({"STRLEN", "k"})}},
          {"arity", {Cmd({"APPEND", "k"}), Cmd({"STRLEN"}), Cmd({"STRLEN", "k", "k2"})}},
      }));
}

TEST_F(StringEditDiffTest, GetDelGetSet) {
  RunTable("getdel-getset",
           WithResp3({
               {"getdel",
                {Cmd({"SET", "k", "v"}), Cmd({"GETDEL", "k"}), Cmd({"EXISTS", "k"}),
                 Cmd({"GETDEL", "k"})}},
               {"getset",
                {Cmd({"GETSET", "k", "1"}), Cmd({"GETSET", "k", "2"}), Cmd({"GET", "k"}),
                 Cmd({"OBJECT", "ENCODING", "k"})}},
               {"getset clears ttl",
                {Cmd({"SET", "k", "v", "PX", "100000"}), Cmd({"GETSET", "k", "w"}), Pttl("k")}},
               {"arity", {Cmd({"GETDEL"}), Cmd({"GETSET", "k"}), Cmd({"GETDEL", "k", "k2"})}},
           }));
}

TEST_F(StringEditDiffTest, GetEx) {
  RunTable(
      "getex",
      WithResp3({
          {"plain", {Cmd({"SET", "k", "v", "PX", "100000"}), Cmd({"GETEX", "k"}), Pttl("k")}},
          {"missing", {Cmd({"GETEX", "k"}), Cmd({"GETEX", "k", "EX", "abc"})}},
          {"ex", {Cmd({"SET", "k", "v"}), Cmd({"GETEX", "k", "EX", "100"}), Pttl("k")}},
          {"px", {Cmd({"SET", "k", "v"}), Cmd({"GETEX", "k", "px", "100000"}), Pttl("k")}},
          {"exat", {Cmd({"SET", "k", "v"}), Cmd({"GETEX", "k", "EXAT", NowPlusS(100)}), Ttl("k")}},
          {"pxat",
           {Cmd({"SET", "k", "v"}), Cmd({"GETEX", "k", "PXAT", NowPlusMs(100000)}), Pttl("k")}},
          {"pxat past deletes",
           {Cmd({"SET", "k", "v"}), Cmd({"GETEX", "k", "PXAT", "1"}), Cmd({"EXISTS", "k"})}},
          {"persist",
           {Cmd({"SET", "k", "v", "PX", "100000"}), Cmd({"GETEX", "k", "PERSIST"}), Pttl("k")}},
          {"persist without ttl",
           {Cmd({"SET", "k", "v"}), Cmd({"GETEX", "k", "PERSIST"}), Pttl("k")}},
          {"zero",
           {Cmd({"SET", "k", "v"}), Cmd({"GETEX", "k", "PX", "0"}), Cmd({"GETEX", "k", "EX", "-1"}),
            Cmd({"GETEX", "k", "PXAT", "0"})}},
          {"overflow",
           {Cmd({"SET", "k", "v"}), Cmd({"GETEX", "k", "EX", "9223372036854775807"}),
            Cmd({"GETEX", "k", "PX", "9223372036854775807"})}},
          {"not integer", {Cmd({"SET", "k", "v"}), Cmd({"GETEX", "k", "EX", "1.5"})}},
          {"syntax",
           {Cmd({"SET", "k", "v"}), Cmd({"GETEX", "k", "foo"}), Cmd({"GETEX", "k", "EX"}),
            Cmd({"GETEX", "k", "EX", "1", "PX", "1"}), Cmd({"GETEX", "k", "PERSIST", "EX", "1"}),
            Cmd({"GETEX", "k", "NX"}), Cmd({"GETEX", "k", "KEEPTTL"}),
            Cmd({"GETEX", "missing", "foo"})}},
          {"same kind twice",
           {Cmd({"SET", "k", "v"}), Cmd({"GETEX", "k", "EX", "1", "EX", "200"}), Ttl("k"),
            Cmd({"GETEX", "k", "PERSIST", "PERSIST"}), Ttl("k")}},
          {"arity", {Cmd({"GETEX"})}},
      }));
}

TEST_F(StringEditDiffTest, SetRange) {
  RunTable(
      "setrange",
      WithResp3({
          {"missing",
           {Cmd({"SETRANGE", "k", "3", "ab"}), Cmd({"GET", "k"}),
            Cmd({"OBJECT", "ENCODING", "k"})}},
          {"missing empty", {Cmd({"SETRANGE", "k", "3", ""}), Cmd({"EXISTS", "k"})}},
          {"overwrite",
           {Cmd({"SET", "k", "Hello World"}), Cmd({"SETRANGE", "k", "6", "Redis"}),
            Cmd({"GET", "k"})}},
          {"grow",
           {Cmd({"SET", "k", "12"}), Cmd({"SETRANGE", "k", "4", "x"}), Cmd({"GET", "k"}),
            Cmd({"OBJECT", "ENCODING", "k"})}},
          {"empty on existing",
           {Cmd({"SET", "k", "12"}), Cmd({"SETRANGE", "k", "10", ""}),
            Cmd({"OBJECT", "ENCODING", "k"})}},
          {"inside int",
           {Cmd({"SET", "k", "1234"}), Cmd({"SETRANGE", "k", "1", "9"}), Cmd({"GET", "k"}),
            Cmd({"OBJECT", "ENCODING", "k"})}},
          {"keeps ttl",
           {Cmd({"SET", "k", "v", "PX", "100000"}), Cmd({"SETRANGE", "k", "0", "w"}), Pttl("k")}},
          {"negative", {Cmd({"SETRANGE", "k", "-1", "x"})}},
          {"not integer", {Cmd({"SETRANGE", "k", "x", "x"})}},
          {"too big",
           {Cmd({"SETRANGE", "k", "536870912", "x"}), Cmd({"EXISTS", "k"}),
            Cmd({"SETRANGE", "k", "9223372036854775807", "x"})}},
          {"arity", {Cmd({"SETRANGE", "k", "1"})}},
      }));
}

}  // namespace
}  // namespace locknode::test

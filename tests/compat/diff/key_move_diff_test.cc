// Differential cases for RENAME, RENAMENX, COPY, TOUCH, UNLINK (Redis 7.0 src/db.c) and the
// EXPIRE family's NX|XX|GT|LT on what they leave, RESP2 and RESP3.
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

class KeyMoveDiffTest : public DiffTest {};

std::vector<DiffCase> WithResp3(const std::vector<DiffCase>& cases) {
  std::vector<DiffCase> out = cases;
  for (const DiffCase& c : cases) {
    DiffCase r3{c.name + " resp3", {Hello({"HELLO", "3"})}};
    r3.steps.insert(r3.steps.end(), c.steps.begin(), c.steps.end());
    out.push_back(r3);
  }
  return out;
}

TEST_F(KeyMoveDiffTest, Rename) {
  RunTable("rename",
           WithResp3({
               {"rename",
                {Cmd({"SET", "k", "v"}), Cmd({"RENAME", "k", "k2"}), Cmd({"EXISTS", "k"}),
                 Cmd({"GET", "k2"})}},
               {"rename missing", {Cmd({"RENAME", "k", "k2"}), Cmd({"RENAMENX", "k", "k2"})}},
               {"rename same",
                {Cmd({"SET", "k", "v"}), Cmd({"RENAME", "k", "k"}), Cmd({"RENAMENX", "k", "k"}),
                 Cmd({"GET", "k"})}},
               {"rename same missing", {Cmd({"RENAME", "k", "k"})}},
               {"rename keeps ttl",
                {Cmd({"SET", "k", "v", "PX", "100000"}), Cmd({"RENAME", "k", "k2"}), Pttl("k2")}},
               {"rename drops target ttl",
                {Cmd({"SET", "k", "v"}), Cmd({"SET", "k2", "w", "PX", "100000"}),
                 Cmd({"RENAME", "k", "k2"}), Pttl("k2"), Cmd({"GET", "k2"})}},
               {"rename keeps encoding",
                {Cmd({"APPEND", "k", "1"}), Cmd({"APPEND", "k", "2"}), Cmd({"RENAME", "k", "k2"}),
                 Cmd({"OBJECT", "ENCODING", "k2"})}},
               {"renamenx",
                {Cmd({"SET", "k", "v"}), Cmd({"SET", "k2", "w"}), Cmd({"RENAMENX", "k", "k2"}),
                 Cmd({"RENAMENX", "k", "k3"}), Cmd({"MGET", "k", "k2", "k3"})}},
               {"arity", {Cmd({"RENAME", "k"}), Cmd({"RENAMENX", "k", "k2", "k3"})}},
           }));
}

TEST_F(KeyMoveDiffTest, Copy) {
  RunTable(
      "copy",
      WithResp3({
          {"copy", {Cmd({"SET", "k", "v"}), Cmd({"COPY", "k", "k2"}), Cmd({"MGET", "k", "k2"})}},
          {"copy missing", {Cmd({"COPY", "k", "k2"}), Cmd({"EXISTS", "k2"})}},
          {"copy existing",
           {Cmd({"SET", "k", "v"}), Cmd({"SET", "k2", "w"}), Cmd({"COPY", "k", "k2"}),
            Cmd({"GET", "k2"}), Cmd({"COPY", "k", "k2", "REPLACE"}), Cmd({"GET", "k2"})}},
          {"copy same",
           {Cmd({"SET", "k", "v"}), Cmd({"COPY", "k", "k"}), Cmd({"COPY", "nokey", "nokey"})}},
          {"copy ttl",
           {Cmd({"SET", "k", "v", "PX", "100000"}), Cmd({"COPY", "k", "k2"}), Pttl("k2"),
            Pttl("k")}},
          {"copy encoding",
           {Cmd({"SET", "k", "12"}), Cmd({"COPY", "k", "k2"}), Cmd({"OBJECT", "ENCODING", "k2"}),
            Cmd({"INCRBYFLOAT", "k3", "3"}), Cmd({"COPY", "k3", "lock"}),
            Cmd({"OBJECT", "ENCODING", "lock"})}},
          {"copy db 0",
           {Cmd({"SET", "k", "v"}), Cmd({"COPY", "k", "k2", "DB", "0"}),
            Cmd({"COPY", "k", "k", "db", "0", "replace"})}},
          {"copy bad db",
           {Cmd({"SET", "k", "v"}), Cmd({"COPY", "k", "k2", "DB", "x"}),
            Cmd({"COPY", "k", "k2", "DB", "-1"}),
            Cmd({"COPY", "k", "k2", "DB", "99999999999999999999"})}},
          {"copy syntax",
           {Cmd({"SET", "k", "v"}), Cmd({"COPY", "k", "k2", "DB"}), Cmd({"COPY", "k", "k2", "foo"}),
            Cmd({"COPY", "k", "k", "foo"})}},
          {"arity", {Cmd({"COPY", "k"})}},
      }));
}

TEST_F(KeyMoveDiffTest, TouchUnlink) {
  RunTable("touch-unlink",
           WithResp3({
               {"touch", {Cmd({"SET", "k", "v"}), Cmd({"TOUCH", "k", "k2", "k"})}},
               {"unlink",
                {Cmd({"SET", "k", "v"}), Cmd({"SET", "k2", "v"}),
                 Cmd({"UNLINK", "k", "k2", "k3", "k"}), Cmd({"EXISTS", "k", "k2"})}},
               {"arity", {Cmd({"TOUCH"}), Cmd({"UNLINK"})}},
           }));
}

TEST_F(KeyMoveDiffTest, ExpireConditions) {
  RunTable(
      "expire-conditions",
      WithResp3({
          {"nx xx",
           {Cmd({"SET", "k", "v"}), Cmd({"EXPIRE", "k", "100", "XX"}),
            Cmd({"EXPIRE", "k", "100", "NX"}), Cmd({"EXPIRE", "k", "200", "NX"}), Ttl("k")}},
          {"gt lt",
           {Cmd({"SET", "k", "v"}), Cmd({"PEXPIRE", "k", "100000", "GT"}),
            Cmd({"PEXPIRE", "k", "100000", "LT"}), Cmd({"PEXPIRE", "k", "50000", "GT"}),
            Cmd({"PEXPIRE", "k", "200000", "GT"}), Pttl("k")}},
          {"on counter",
           {Cmd({"INCR", "k"}), Cmd({"EXPIRE", "k", "100", "NX"}), Cmd({"INCR", "k"}), Ttl("k")}},
      }));
}

}  // namespace
}  // namespace locknode::test

// Differential cases for INCR, INCRBY, DECR, DECRBY and INCRBYFLOAT (Redis 7.0 src/t_string.c
// incrDecrCommand / incrbyfloatCommand, util.c string2ll / string2ld / ld2string), RESP2 and
// RESP3, error paths included.
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

class CounterDiffTest : public DiffTest {};

// The same steps after HELLO 3 (integers and bulks look the same; errors and nulls are checked
// in both protocols anyway).
std::vector<DiffCase> WithResp3(const std::vector<DiffCase>& cases) {
  std::vector<DiffCase> out = cases;
  for (const DiffCase& c : cases) {
    DiffCase r3{c.name + " resp3", {Hello({"HELLO", "3"})}};
    r3.steps.insert(r3.steps.end(), c.steps.begin(), c.steps.end());
    out.push_back(r3);
  }
  return out;
}

TEST_F(CounterDiffTest, IncrDecr) {
  RunTable(
      "incr-decr",
      WithResp3({
          {"incr missing", {Cmd({"INCR", "k"}), Cmd({"INCR", "k"}), Cmd({"GET", "k"})}},
          {"decr missing", {Cmd({"DECR", "k"}), Cmd({"GET", "k"})}},
          {"incrby", {Cmd({"SET", "k", "10"}), Cmd({"INCRBY", "k", "-25"}), Cmd({"GET", "k"})}},
          {"decrby", {Cmd({"SET", "k", "10"}), Cmd({"DECRBY", "k", "25"})}},
          {"incr keeps ttl",
           {Cmd({"SET", "k", "1", "PX", "100000"}), Cmd({"INCR", "k"}), Pttl("k")}},
          {"incr not integer", {Cmd({"SET", "k", "abc"}), Cmd({"INCR", "k"})}},
          {"incr spaces", {Cmd({"SET", "k", " 1"}), Cmd({"INCR", "k"})}},
          {"incr plus sign", {Cmd({"SET", "k", "+1"}), Cmd({"INCR", "k"})}},
          {"incr leading zero", {Cmd({"SET", "k", "01"}), Cmd({"INCR", "k"})}},
          {"incr empty", {Cmd({"SET", "k", ""}), Cmd({"INCR", "k"})}},
          {"incr minus zero", {Cmd({"SET", "k", "-0"}), Cmd({"INCR", "k"})}},
          {"incr overflow",
           {Cmd({"SET", "k", "9223372036854775807"}), Cmd({"INCR", "k"}), Cmd({"GET", "k"})}},
          {"decr underflow", {Cmd({"SET", "k", "-9223372036854775808"}), Cmd({"DECR", "k"})}},
          {"incrby overflow",
           {Cmd({"SET", "k", "1"}), Cmd({"INCRBY", "k", "9223372036854775807"})}},
          {"incrby not integer arg", {Cmd({"INCRBY", "k", "1.5"})}},
          {"incrby out of range arg", {Cmd({"INCRBY", "k", "9223372036854775808"})}},
          {"decrby min", {Cmd({"DECRBY", "k", "-9223372036854775808"})}},
          {"decrby max", {Cmd({"DECRBY", "k", "9223372036854775807"}), Cmd({"GET", "k"})}},
          {"incr encoding",
           {Cmd({"INCR", "k"}), Cmd({"OBJECT", "ENCODING", "k"}), Cmd({"OBJECT", "REFCOUNT", "k"}),
            Cmd({"INCRBY", "k", "100000"}), Cmd({"OBJECT", "ENCODING", "k"}),
            Cmd({"OBJECT", "REFCOUNT", "k"})}},
          {"incr arity", {Cmd({"INCR"}), Cmd({"INCR", "k", "1"}), Cmd({"INCRBY", "k"})}},
          {"incr lower case", {Cmd({"incr", "k"}), Cmd({"decrby", "k", "3"})}},
      }));
}

TEST_F(CounterDiffTest, IncrByFloat) {
  RunTable(
      "incrbyfloat",
      WithResp3({
          {"missing", {Cmd({"INCRBYFLOAT", "k", "10.5"}), Cmd({"GET", "k"})}},
          {"integral result", {Cmd({"INCRBYFLOAT", "k", "10"}), Cmd({"OBJECT", "ENCODING", "k"})}},
          {"sum", {Cmd({"SET", "k", "10.50"}), Cmd({"INCRBYFLOAT", "k", "0.1"})}},
          {"negative to zero", {Cmd({"SET", "k", "1.5"}), Cmd({"INCRBYFLOAT", "k", "-1.5"})}},
          {"exponent", {Cmd({"SET", "k", "5.0e3"}), Cmd({"INCRBYFLOAT", "k", "2.0e2"})}},
          {"small", {Cmd({"INCRBYFLOAT", "k", "1.23e-5"})}},
          {"tiny", {Cmd({"INCRBYFLOAT", "k", "1e-20"})}},
          {"hex", {Cmd({"INCRBYFLOAT", "k", "0x10"})}},
          {"huge", {Cmd({"INCRBYFLOAT", "k", "1e300"}), Cmd({"OBJECT", "ENCODING", "k"})}},
          {"beyond double", {Cmd({"INCRBYFLOAT", "k", "1e400"})}},
          {"from int value", {Cmd({"SET", "k", "17"}), Cmd({"INCRBYFLOAT", "k", "0.25"})}},
          {"keeps ttl",
           {Cmd({"SET", "k", "1", "PX", "100000"}), Cmd({"INCRBYFLOAT", "k", "1.5"}), Pttl("k")}},
          {"inf arg", {Cmd({"INCRBYFLOAT", "k", "inf"}), Cmd({"EXISTS", "k"})}},
          {"nan arg", {Cmd({"INCRBYFLOAT", "k", "nan"})}},
          {"overflow to inf", {Cmd({"SET", "k", "1e4932"}), Cmd({"INCRBYFLOAT", "k", "1e4932"})}},
          {"out of range arg", {Cmd({"INCRBYFLOAT", "k", "1e5000"})}},
          {"underflow arg", {Cmd({"INCRBYFLOAT", "k", "1e-5000"})}},
          {"space arg", {Cmd({"INCRBYFLOAT", "k", " 1"}), Cmd({"INCRBYFLOAT", "k", "1 "})}},
          {"empty arg", {Cmd({"INCRBYFLOAT", "k", ""})}},
          {"bad value", {Cmd({"SET", "k", "abc"}), Cmd({"INCRBYFLOAT", "k", "1"})}},
          {"bad value wins over bad arg",
           {Cmd({"SET", "k", "abc"}), Cmd({"INCRBYFLOAT", "k", "x"})}},
          {"minus zero", {Cmd({"INCRBYFLOAT", "k", "-0"}), Cmd({"GET", "k"})}},
          {"arity", {Cmd({"INCRBYFLOAT", "k"})}},
      }));
}

}  // namespace
}  // namespace locknode::test

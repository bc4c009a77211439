// Differential cases for SET and its relatives (COMPAT.md §3.1, §3.2): every option, every
// combination Redis accepts or rejects, and the exact error for each bad value.
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

class SetDiffTest : public DiffTest {};

TEST_F(SetDiffTest, ConditionsAndReplies) {
  RunTable(
      "set-conditions",
      {
          {"plain", {Cmd({"SET", "k", "v"}), Cmd({"GET", "k"}), Cmd({"PTTL", "k"})}},
          {"nx on missing", {Cmd({"SET", "k", "v", "NX"}), Cmd({"GET", "k"})}},
          {"nx on existing",
           {Cmd({"SET", "k", "v"}), Cmd({"SET", "k", "v2", "NX"}), Cmd({"GET", "k"})}},
          {"xx on missing", {Cmd({"SET", "k", "v", "XX"}), Cmd({"GET", "k"})}},
          {"xx on existing",
           {Cmd({"SET", "k", "v"}), Cmd({"SET", "k", "v2", "XX"}), Cmd({"GET", "k"})}},
          {"nx xx", {Cmd({"SET", "k", "v", "NX", "XX"}), Cmd({"GET", "k"})}},
          {"xx nx", {Cmd({"SET", "k", "v", "XX", "NX"})}},
          {"nx nx", {Cmd({"SET", "k", "v", "NX", "NX"}), Cmd({"GET", "k"})}},
          {"xx xx on existing", {Cmd({"SET", "k", "v"}), Cmd({"SET", "k", "w", "XX", "XX"})}},
          {"lower-case options", {Cmd({"set", "k", "v", "nx", "px", "100000"}), Pttl()}},
          {"mixed-case options", {Cmd({"SeT", "k", "v", "Px", "100000", "nX"}), Pttl()}},
          {"lock acquire twice",
           {Cmd({"SET", "lock", "token1", "NX", "PX", "30000"}),
            Cmd({"SET", "lock", "token2", "NX", "PX", "30000"}), Cmd({"GET", "lock"})}},
          {"options before condition", {Cmd({"SET", "k", "v", "PX", "100000", "NX"}), Pttl()}},
          {"empty value", {Cmd({"SET", "k", ""}), Cmd({"GET", "k"})}},
          {"binary value", {Cmd({"SET", "k", std::string("a\r\nb\0c", 6)}), Cmd({"GET", "k"})}},
          {"large value", {Cmd({"SET", "k", std::string(100000, 'x')}), Cmd({"GET", "k"})}},
          {"empty key", {Cmd({"SET", "", "v"}), Cmd({"GET", ""}), Cmd({"DEL", ""})}},
          {"overwrite", {Cmd({"SET", "k", "v"}), Cmd({"SET", "k", "w"}), Cmd({"GET", "k"})}},
      });
}

TEST_F(SetDiffTest, ExpireOptions) {
  RunTable(
      "set-expire",
      {
          {"px", {Cmd({"SET", "k", "v", "PX", "100000"}), Pttl(), Ttl()}},
          {"ex", {Cmd({"SET", "k", "v", "EX", "100"}), Pttl(), Ttl()}},
          {"pxat future", {Cmd({"SET", "k", "v", "PXAT", NowPlusMs(100000)}), Pttl()}},
          {"exat future", {Cmd({"SET", "k", "v", "EXAT", NowPlusS(100)}), Ttl()}},
          {"pxat past",
           {Cmd({"SET", "k", "v", "PXAT", "1"}), Cmd({"PTTL", "k"}), Cmd({"GET", "k"})}},
          {"exat past",
           {Cmd({"SET", "k", "v", "EXAT", "1"}), Cmd({"PTTL", "k"}), Cmd({"GET", "k"})}},
          {"px 0", {Cmd({"SET", "k", "v", "PX", "0"}), Cmd({"GET", "k"})}},
          {"px -5", {Cmd({"SET", "k", "v", "PX", "-5"})}},
          {"px abc", {Cmd({"SET", "k", "v", "PX", "abc"})}},
          {"px 1.5", {Cmd({"SET", "k", "v", "PX", "1.5"})}},
          {"px +5", {Cmd({"SET", "k", "v", "PX", "+5"})}},
          {"px empty", {Cmd({"SET", "k", "v", "PX", ""})}},
          {"px int64 max",
           {Cmd({"SET", "k", "v", "PX", "9223372036854775807"}), Cmd({"GET", "k"})}},
          {"px int64 overflow", {Cmd({"SET", "k", "v", "PX", "9223372036854775808"})}},
          {"ex 0", {Cmd({"SET", "k", "v", "EX", "0"})}},
          {"ex -5", {Cmd({"SET", "k", "v", "EX", "-5"})}},
          {"ex abc", {Cmd({"SET", "k", "v", "EX", "abc"})}},
          {"ex 1.5", {Cmd({"SET", "k", "v", "EX", "1.5"})}},
          {"ex int64 max", {Cmd({"SET", "k", "v", "EX", "9223372036854775807"})}},
          {"ex overflows after *1000 + now", {Cmd({"SET", "k", "v", "EX", "9223372036854775"})}},
          {"pxat 0", {Cmd({"SET", "k", "v", "PXAT", "0"})}},
          {"pxat -5", {Cmd({"SET", "k", "v", "PXAT", "-5"})}},
          {"pxat abc", {Cmd({"SET", "k", "v", "PXAT", "abc"})}},
          {"pxat int64 max", {Cmd({"SET", "k", "v", "PXAT", "9223372036854775807"}), Pttl()}},
          {"exat 0", {Cmd({"SET", "k", "v", "EXAT", "0"})}},
          {"exat 1.5", {Cmd({"SET", "k", "v", "EXAT", "1.5"})}},
          {"exat int64 max", {Cmd({"SET", "k", "v", "EXAT", "9223372036854775807"})}},
          {"px twice, last wins", {Cmd({"SET", "k", "v", "PX", "100", "PX", "100000"}), Pttl()}},
          {"ex then px", {Cmd({"SET", "k", "v", "EX", "1", "PX", "1"})}},
          {"px then ex", {Cmd({"SET", "k", "v", "PX", "100", "EX", "100"})}},
          {"px then pxat", {Cmd({"SET", "k", "v", "PX", "100", "PXAT", NowPlusMs(5000)})}},
          {"exat then ex", {Cmd({"SET", "k", "v", "EXAT", NowPlusS(50), "EX", "100"})}},
          {"px missing value", {Cmd({"SET", "k", "v", "PX"}), Cmd({"GET", "k"})}},
          {"ex missing value", {Cmd({"SET", "k", "v", "EX"})}},
          {"pxat missing value", {Cmd({"SET", "k", "v", "PXAT"})}},
          {"exat missing value", {Cmd({"SET", "k", "v", "EXAT"})}},
          {"nx px missing value", {Cmd({"SET", "k", "v", "NX", "PX"})}},
          {"px value is an option", {Cmd({"SET", "k", "v", "PX", "NX"})}},
          {"plain set clears ttl",
           {Cmd({"SET", "k", "v", "PX", "100000"}), Cmd({"SET", "k", "v2"}), Cmd({"PTTL", "k"})}},
          {"set px overwrites ttl",
           {Cmd({"SET", "k", "v", "PX", "5000"}), Cmd({"SET", "k", "v", "PX", "100000"}), Pttl()}},
          {"xx px keeps value semantics",
           {Cmd({"SET", "k", "v"}), Cmd({"SET", "k", "w", "XX", "PX", "100000"}), Pttl(),
            Cmd({"GET", "k"})}},
      });
}

TEST_F(SetDiffTest, KeepTtlGetAndUnknownOptions) {
  RunTable(
      "set-keepttl-get",
      {
          {"keepttl keeps ttl",
           {Cmd({"SET", "k", "v", "PX", "100000"}), Cmd({"SET", "k", "v2", "KEEPTTL"}), Pttl(),
            Cmd({"GET", "k"})}},
          {"keepttl on missing", {Cmd({"SET", "k", "v", "KEEPTTL"}), Cmd({"PTTL", "k"})}},
          {"keepttl px", {Cmd({"SET", "k", "v", "KEEPTTL", "PX", "100"})}},
          {"px keepttl", {Cmd({"SET", "k", "v", "PX", "100", "KEEPTTL"})}},
          {"keepttl ex", {Cmd({"SET", "k", "v", "KEEPTTL", "EX", "100"})}},
          {"keepttl exat", {Cmd({"SET", "k", "v", "KEEPTTL", "EXAT", NowPlusS(100)})}},
          {"keepttl pxat", {Cmd({"SET", "k", "v", "PXAT", NowPlusMs(100000), "KEEPTTL"})}},
          {"keepttl twice", {Cmd({"SET", "k", "v", "KEEPTTL", "KEEPTTL"})}},
          {"keepttl nx", {Cmd({"SET", "k", "v", "KEEPTTL", "NX"}), Cmd({"GET", "k"})}},
          {"get on missing", {Cmd({"SET", "k", "v", "GET"}), Cmd({"GET", "k"})}},
          {"get on existing",
           {Cmd({"SET", "k", "v"}), Cmd({"SET", "k", "v2", "GET"}), Cmd({"GET", "k"})}},
          {"nx get on existing",
           {Cmd({"SET", "k", "v"}), Cmd({"SET", "k", "v2", "NX", "GET"}), Cmd({"GET", "k"})}},
          {"nx get on missing", {Cmd({"SET", "k", "v", "NX", "GET"}), Cmd({"GET", "k"})}},
          {"xx get on missing", {Cmd({"SET", "k", "v", "XX", "GET"}), Cmd({"GET", "k"})}},
          {"xx get on existing",
           {Cmd({"SET", "k", "v"}), Cmd({"SET", "k", "v2", "XX", "GET"}), Cmd({"GET", "k"})}},
          {"get px",
           {Cmd({"SET", "k", "v"}), Cmd({"SET", "k", "v2", "GET", "PX", "100000"}), Pttl()}},
          {"get twice", {Cmd({"SET", "k", "v"}), Cmd({"SET", "k", "v2", "GET", "GET"})}},
          {"get with bad px", {Cmd({"SET", "k", "v"}), Cmd({"SET", "k", "v2", "GET", "PX", "0"})}},
          {"unknown option", {Cmd({"SET", "k", "v", "FOO"}), Cmd({"GET", "k"})}},
          {"unknown option after px", {Cmd({"SET", "k", "v", "PX", "100", "FOO"})}},
          {"extra value", {Cmd({"SET", "k", "v", "w"})}},
          {"syntax beats bad number", {Cmd({"SET", "k", "v", "NX", "XX", "PX", "abc"})}},
          {"bad number beats later syntax", {Cmd({"SET", "k", "v", "PX", "abc", "NX", "XX"})}},
          {"arity: set k", {Cmd({"SET", "k"})}},
          {"arity: set", {Cmd({"SET"})}},
      });
}

TEST_F(SetDiffTest, SetnxSetexPsetex) {
  RunTable("setnx-setex",
           {
               {"setnx on missing", {Cmd({"SETNX", "k", "v"}), Cmd({"GET", "k"})}},
               {"setnx on existing",
                {Cmd({"SET", "k", "v"}), Cmd({"SETNX", "k", "v3"}), Cmd({"GET", "k"})}},
               {"setnx keeps no ttl", {Cmd({"SETNX", "k", "v"}), Cmd({"PTTL", "k"})}},
               {"setnx arity short", {Cmd({"SETNX", "k"})}},
               {"setnx arity long", {Cmd({"SETNX", "k", "v", "NX"})}},
               {"setex", {Cmd({"SETEX", "k", "100", "v"}), Ttl(), Cmd({"GET", "k"})}},
               {"setex 0", {Cmd({"SETEX", "k", "0", "v"})}},
               {"setex -5", {Cmd({"SETEX", "k", "-5", "v"})}},
               {"setex abc", {Cmd({"SETEX", "k", "abc", "v"})}},
               {"setex 1.5", {Cmd({"SETEX", "k", "1.5", "v"})}},
               {"setex overflow", {Cmd({"SETEX", "k", "9223372036854775807", "v"})}},
               {"setex arity", {Cmd({"SETEX", "k", "100"})}},
               {"setex arity long", {Cmd({"SETEX", "k", "100", "v", "NX"})}},
               {"psetex", {Cmd({"PSETEX", "k", "100000", "v"}), Pttl(), Cmd({"GET", "k"})}},
               {"psetex 0", {Cmd({"PSETEX", "k", "0", "v"})}},
               {"psetex -5", {Cmd({"PSETEX", "k", "-5", "v"})}},
               {"psetex abc", {Cmd({"PSETEX", "k", "abc", "v"})}},
               {"psetex overflow", {Cmd({"PSETEX", "k", "9223372036854775807", "v"})}},
               {"psetex arity", {Cmd({"PSETEX", "k"})}},
           });
}

}  // namespace
}  // namespace locknode::test

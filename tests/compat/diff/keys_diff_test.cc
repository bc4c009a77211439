// Differential cases for the key commands a lock node serves (COMPAT.md §3.2–§3.4): GET, DEL,
// EXISTS, the four EXPIRE commands with NX/XX/GT/LT, PTTL/TTL, PERSIST and TYPE.
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

DiffStep SetK() { return Cmd({"SET", "k", "v"}); }
DiffStep SetKWithTtl() { return Cmd({"SET", "k", "v", "PX", "50000"}); }

class KeysDiffTest : public DiffTest {};

TEST_F(KeysDiffTest, GetDelExists) {
  RunTable(
      "get-del-exists",
      {
          {"get missing", {Cmd({"GET", "k"})}},
          {"get existing", {SetK(), Cmd({"GET", "k"})}},
          {"get arity none", {Cmd({"GET"})}},
          {"get arity two", {Cmd({"GET", "k", "k2"})}},
          {"del missing", {Cmd({"DEL", "k"})}},
          {"del existing", {SetK(), Cmd({"DEL", "k"}), Cmd({"GET", "k"})}},
          {"del multi", {SetK(), Cmd({"SET", "k2", "v"}), Cmd({"DEL", "k", "k2", "nosuch"})}},
          {"del repeated", {SetK(), Cmd({"DEL", "k", "k", "k"})}},
          {"del arity", {Cmd({"DEL"})}},
          {"exists missing", {Cmd({"EXISTS", "k"})}},
          {"exists existing", {SetK(), Cmd({"EXISTS", "k"})}},
          {"exists repeated", {SetK(), Cmd({"EXISTS", "k", "k", "k", "nosuch"})}},
          {"exists multi", {SetK(), Cmd({"SET", "k2", "v"}), Cmd({"EXISTS", "k", "k2", "k3"})}},
          {"exists arity", {Cmd({"EXISTS"})}},
          {"lower-case",
           {Cmd({"set", "k", "v"}), Cmd({"get", "k"}), Cmd({"exists", "k"}), Cmd({"del", "k"})}},
      });
}

TEST_F(KeysDiffTest, ExpireFamily) {
  RunTable(
      "expire",
      {
          {"pexpire missing", {Cmd({"PEXPIRE", "k", "100000"})}},
          {"pexpire existing", {SetK(), Cmd({"PEXPIRE", "k", "100000"}), Pttl()}},
          {"expire existing", {SetK(), Cmd({"EXPIRE", "k", "100"}), Ttl()}},
          {"pexpireat future", {SetK(), Cmd({"PEXPIREAT", "k", NowPlusMs(100000)}), Pttl()}},
          {"expireat future", {SetK(), Cmd({"EXPIREAT", "k", NowPlusS(100)}), Ttl()}},
          {"pexpire 0 deletes", {SetK(), Cmd({"PEXPIRE", "k", "0"}), Cmd({"GET", "k"})}},
          {"expire -1 deletes", {SetK(), Cmd({"EXPIRE", "k", "-1"}), Cmd({"EXISTS", "k"})}},
          {"pexpireat past deletes", {SetK(), Cmd({"PEXPIREAT", "k", "1"}), Cmd({"GET", "k"})}},
          {"expireat past deletes", {SetK(), Cmd({"EXPIREAT", "k", "1"}), Cmd({"GET", "k"})}},
          {"pexpire 0 missing", {Cmd({"PEXPIRE", "k", "0"})}},
          {"pexpire abc", {SetK(), Cmd({"PEXPIRE", "k", "abc"})}},
          {"pexpire 1.5", {SetK(), Cmd({"PEXPIRE", "k", "1.5"})}},
          {"pexpire empty", {SetK(), Cmd({"PEXPIRE", "k", ""})}},
          {"pexpire overflow", {SetK(), Cmd({"PEXPIRE", "k", "9223372036854775807"})}},
          {"expire overflow", {SetK(), Cmd({"EXPIRE", "k", "9223372036854775807"})}},
          {"expire overflow after *1000", {SetK(), Cmd({"EXPIRE", "k", "9223372036854775"})}},
          {"pexpireat int64 max", {SetK(), Cmd({"PEXPIREAT", "k", "9223372036854775807"}), Pttl()}},
          {"expireat overflow", {SetK(), Cmd({"EXPIREAT", "k", "9223372036854775807"})}},
          {"pexpire not a number on missing key", {Cmd({"PEXPIRE", "k", "abc"})}},
          {"pexpire arity", {Cmd({"PEXPIRE", "k"})}},
          {"expire arity", {Cmd({"EXPIRE", "k"})}},
          {"pexpireat arity", {Cmd({"PEXPIREAT", "k"})}},
          {"expireat arity", {Cmd({"EXPIREAT"})}},
      });
}

TEST_F(KeysDiffTest, ExpireFlags) {
  RunTable(
      "expire-flags",
      {
          {"nx without ttl", {SetK(), Cmd({"PEXPIRE", "k", "100000", "NX"}), Pttl()}},
          {"nx with ttl", {SetKWithTtl(), Cmd({"PEXPIRE", "k", "100000", "NX"}), Pttl()}},
          {"xx without ttl", {SetK(), Cmd({"PEXPIRE", "k", "100000", "XX"}), Cmd({"PTTL", "k"})}},
          {"xx with ttl", {SetKWithTtl(), Cmd({"PEXPIRE", "k", "100000", "XX"}), Pttl()}},
          {"gt without ttl", {SetK(), Cmd({"PEXPIRE", "k", "100000", "GT"}), Cmd({"PTTL", "k"})}},
          {"gt greater", {SetKWithTtl(), Cmd({"PEXPIRE", "k", "100000", "GT"}), Pttl()}},
          {"gt smaller", {SetKWithTtl(), Cmd({"PEXPIRE", "k", "1000", "GT"}), Pttl()}},
          {"lt without ttl", {SetK(), Cmd({"PEXPIRE", "k", "100000", "LT"}), Pttl()}},
          {"lt smaller", {SetKWithTtl(), Cmd({"PEXPIRE", "k", "20000", "LT"}), Pttl()}},
          {"lt greater", {SetKWithTtl(), Cmd({"PEXPIRE", "k", "100000", "LT"}), Pttl()}},
          {"xx gt together", {SetKWithTtl(), Cmd({"PEXPIRE", "k", "100000", "XX", "GT"}), Pttl()}},
          {"xx lt together", {SetKWithTtl(), Cmd({"EXPIRE", "k", "20", "XX", "LT"}), Ttl()}},
          {"lower-case flag", {SetK(), Cmd({"pexpire", "k", "100000", "nx"})}},
          {"nx nx", {SetK(), Cmd({"PEXPIRE", "k", "100000", "NX", "NX"})}},
          {"nx xx", {SetK(), Cmd({"PEXPIRE", "k", "100000", "NX", "XX"})}},
          {"nx gt", {SetK(), Cmd({"PEXPIRE", "k", "100000", "NX", "GT"})}},
          {"lt nx", {SetK(), Cmd({"EXPIRE", "k", "100", "LT", "NX"})}},
          {"gt lt", {SetK(), Cmd({"PEXPIRE", "k", "100000", "GT", "LT"})}},
          {"unknown flag", {SetK(), Cmd({"PEXPIRE", "k", "100000", "FOO"})}},
          {"unknown flag on expireat", {SetK(), Cmd({"EXPIREAT", "k", NowPlusS(100), "BAR"})}},
          {"flag checked before number", {SetK(), Cmd({"PEXPIRE", "k", "abc", "FOO"})}},
          {"flag conflict before number", {SetK(), Cmd({"PEXPIRE", "k", "abc", "NX", "XX"})}},
          {"flags on missing key", {Cmd({"PEXPIRE", "k", "100000", "XX"})}},
          {"negative with gt on no ttl",
           {SetK(), Cmd({"PEXPIRE", "k", "-1", "GT"}), Cmd({"GET", "k"})}},
          {"negative with lt on no ttl",
           {SetK(), Cmd({"PEXPIRE", "k", "-1", "LT"}), Cmd({"GET", "k"})}},
          {"negative with nx", {SetK(), Cmd({"PEXPIRE", "k", "-1", "NX"}), Cmd({"GET", "k"})}},
          {"pexpireat nx", {SetK(), Cmd({"PEXPIREAT", "k", NowPlusMs(100000), "NX"}), Pttl()}},
      });
}

TEST_F(KeysDiffTest, TtlPersistType) {
  RunTable("ttl-persist-type",
           {
               {"pttl missing", {Cmd({"PTTL", "k"})}},
               {"ttl missing", {Cmd({"TTL", "k"})}},
               {"pttl no ttl", {SetK(), Cmd({"PTTL", "k"})}},
               {"ttl no ttl", {SetK(), Cmd({"TTL", "k"})}},
               {"pttl with ttl", {SetKWithTtl(), Pttl()}},
               {"ttl with ttl", {SetKWithTtl(), Ttl()}},
               {"pttl arity", {Cmd({"PTTL"})}},
               {"ttl arity", {Cmd({"TTL", "k", "k2"})}},
               {"persist missing", {Cmd({"PERSIST", "k"})}},
               {"persist no ttl", {SetK(), Cmd({"PERSIST", "k"})}},
               {"persist with ttl",
                {SetKWithTtl(), Cmd({"PERSIST", "k"}), Cmd({"PTTL", "k"}), Cmd({"GET", "k"})}},
               {"persist arity", {Cmd({"PERSIST"})}},
               {"type missing", {Cmd({"TYPE", "k"})}},
               {"type string", {SetK(), Cmd({"TYPE", "k"})}},
               {"type arity", {Cmd({"TYPE"})}},
           });
}

}  // namespace
}  // namespace locknode::test

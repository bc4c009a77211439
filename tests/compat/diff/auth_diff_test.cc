// Differential cases for a password-protected server (both started with --requirepass secret;
// COMPAT.md §3.7, SAFETY.md §2.1): the order existence → arity → NOAUTH, AUTH and HELLO AUTH
// replies, and Redis's limits on unauthenticated requests (CVE-2021-32675: at most 10 arguments
// and 16 KiB per bulk before AUTH, else a protocol error and a close).
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

class AuthDiffTest : public DiffTest {
 protected:
  static void SetUpTestSuite() { StartServers({"--requirepass", "secret"}, "secret"); }
};

DiffStep Auth() { return Cmd({"AUTH", "secret"}); }

TEST_F(AuthDiffTest, NoAuthAndAuth) {
  RunTable(
      "requirepass",
      {
          {"get before auth", {Cmd({"GET", "k"})}},
          {"set before auth", {Cmd({"SET", "k", "v", "NX", "PX", "1000"})}},
          {"ping before auth", {Cmd({"PING"}), Auth()}},
          {"unknown command before auth", {Cmd({"FOOBAR", "a"})}},
          {"arity before auth", {Cmd({"GET"})}},
          {"inline before auth", {Raw("GET k\r\n")}},
          {"wrong password", {Cmd({"AUTH", "nope"}), Cmd({"GET", "k"})}},
          {"wrong user", {Cmd({"AUTH", "bob", "secret"})}},
          // Digest compare (SAFETY.md §5): a prefix, an extension and an empty password fail.
          {"password prefix", {Cmd({"AUTH", "secre"}), Cmd({"PING"})}},
          {"password extended", {Cmd({"AUTH", "default", "secretx"}), Cmd({"PING"})}},
          {"empty password", {Cmd({"AUTH", ""}), Cmd({"PING"})}},
          {"password with nul", {Cmd({"AUTH", std::string("secret\0", 7)}), Cmd({"PING"})}},
          {"auth then commands", {Auth(), Cmd({"SET", "k", "v"}), Cmd({"GET", "k"})}},
          {"auth default user", {Cmd({"AUTH", "default", "secret"}), Cmd({"GET", "k"})}},
          {"wrong password after auth keeps auth",
           {Auth(), Cmd({"AUTH", "nope"}), Cmd({"GET", "k"})}},
          {"auth too many args", {Cmd({"AUTH", "a", "b", "c"})}},
          {"hello without auth", {Cmd({"HELLO", "3"}), Cmd({"GET", "k"})}},
          {"hello no version without auth", {Cmd({"HELLO"})}},
          {"hello auth wrong", {Cmd({"HELLO", "3", "AUTH", "default", "nope"}), Cmd({"GET", "k"})}},
          {"hello auth ok",
           {Hello({"HELLO", "3", "AUTH", "default", "secret"}), Cmd({"GET", "k"})}},
          {"hello 2 auth ok",
           {Hello({"HELLO", "2", "AUTH", "default", "secret"}), Cmd({"GET", "k"})}},
          {"client setname before auth", {Cmd({"CLIENT", "SETNAME", "x"})}},
          {"select before auth", {Cmd({"SELECT", "0"})}},
          {"eval before auth", {Cmd({"EVAL", "return 1", "0"})}},
          {"quit before auth", {Cmd({"QUIT"})}},
          // The four no-auth commands (Redis NO_AUTH flag): RESET answers and stays locked.
          {"reset before auth", {Cmd({"RESET"}), Cmd({"PING"})}},
          {"reset after auth locks again", {Auth(), Cmd({"RESET"}), Cmd({"GET", "k"})}},
          {"echo before auth", {Cmd({"ECHO", "x"})}},
          {"config before auth", {Cmd({"CONFIG", "GET", "maxclients"})}},
          {"hello auth then ping",
           {Hello({"HELLO", "3", "AUTH", "default", "secret"}), Cmd({"PING"})}},
      });
}

TEST_F(AuthDiffTest, UnauthenticatedLimits) {
  std::vector<std::string> ten_args = {"EXISTS", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  std::vector<std::string> eleven_args = ten_args;
  eleven_args.push_back("10");
  RunTable("unauthenticated-limits",
           {
               {"10 args allowed", {Cmd(ten_args)}},
               {"11 args refused", {Cmd(eleven_args)}},
               {"multibulk 100 refused", {Raw("*100\r\n")}},
               {"16 KiB bulk allowed", {Cmd({"ECHO", std::string(16384, 'x')})}},
               {"bulk over 16 KiB refused", {Raw("*2\r\n$4\r\nECHO\r\n$16385\r\n")}},
               // Redis checks proto-max-bulk-len first (invalid bulk length), then the 16 KiB
               // unauthenticated cap: 1,000,000 is under both servers' proto-max-bulk-len
               // (locknode 1 MiB, Redis 512 MiB), so both must give the unauthenticated error.
               {"huge bulk refused", {Raw("*1\r\n$1000000\r\n")}},
               {"limits lifted after auth",
                {Auth(), Cmd(eleven_args), Cmd({"ECHO", std::string(20000, 'y')})}},
           });
}

}  // namespace
}  // namespace locknode::test

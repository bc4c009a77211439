// Differential cases for connection-level commands and generic errors (COMPAT.md §3.7, §3.8):
// PING/ECHO/SELECT/QUIT, HELLO and RESP3 encoding, AUTH without a password, CLIENT, unknown
// commands and wrong arity.
//
// Not compared, on purpose:
// * INFO and TIME: bodies differ by design (uptime, memory, clock).
// * CLIENT ID: a per-server connection counter; only its type (integer) is compared.
// * HELLO's `id` and `version` values: normalised (Compare::kHello), see diff_harness.h.
// * CLIENT SETINFO: locknode implements the 7.2 reply (+OK, COMPAT §1 finding 3) that clients
//   need, while the 7.0.15 reference answers "unknown subcommand"; the integration suite checks it.
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

class ConnectionDiffTest : public DiffTest {};

TEST_F(ConnectionDiffTest, PingEchoSelectQuit) {
  RunTable("ping-echo-select-quit",
           {
               {"ping", {Cmd({"PING"})}},
               {"ping msg", {Cmd({"PING", "hello world"})}},
               {"ping empty msg", {Cmd({"PING", ""})}},
               {"ping arity", {Cmd({"PING", "x", "y", "z"})}},
               {"echo", {Cmd({"ECHO", "m"})}},
               {"echo binary", {Cmd({"ECHO", std::string("a\r\n\0b", 5)})}},
               {"echo arity none", {Cmd({"ECHO"})}},
               {"echo arity two", {Cmd({"ECHO", "a", "b"})}},
               {"select 0", {Cmd({"SELECT", "0"})}},
               {"select 1", {Cmd({"SELECT", "1"}), Cmd({"GET", "k"})}},
               {"select 15", {Cmd({"SELECT", "15"})}},
               {"select 16", {Cmd({"SELECT", "16"})}},
               {"select -1", {Cmd({"SELECT", "-1"})}},
               {"select abc", {Cmd({"SELECT", "abc"})}},
               {"select 1.5", {Cmd({"SELECT", "1.5"})}},
               {"select arity", {Cmd({"SELECT"})}},
               {"select arity two", {Cmd({"SELECT", "0", "1"})}},
               {"quit", {Cmd({"QUIT"})}},
               {"quit with args", {Cmd({"QUIT", "now"})}},
               {"quit pipelined", {Raw("*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n", 2)}},
           });
}

TEST_F(ConnectionDiffTest, HelloAndResp3) {
  RunTable(
      "hello-resp3",
      {
          {"hello no args", {Hello({"HELLO"})}},
          {"hello 2", {Hello({"HELLO", "2"}), Cmd({"GET", "k"})}},
          {"hello 3", {Hello({"HELLO", "3"})}},
          {"resp3 get missing", {Hello({"HELLO", "3"}), Cmd({"GET", "k"})}},
          {"resp3 set nx miss",
           {Hello({"HELLO", "3"}), Cmd({"SET", "k", "v"}), Cmd({"SET", "k", "v", "NX"}),
            Cmd({"SET", "k", "w", "GET"}), Cmd({"GET", "k"})}},
          {"resp3 scalars",
           {Hello({"HELLO", "3"}), Cmd({"PING"}), Cmd({"PING", "m"}), Cmd({"ECHO", "e"}),
            Cmd({"EXISTS", "k"}), Cmd({"PTTL", "k"}), Cmd({"TYPE", "k"}), Cmd({"FOO"})}},
          {"resp3 then back to 2",
           {Hello({"HELLO", "3"}), Hello({"HELLO", "2"}), Cmd({"GET", "k"})}},
          {"resp3 hello no args", {Hello({"HELLO", "3"}), Hello({"HELLO"})}},
          {"hello 4", {Cmd({"HELLO", "4"}), Cmd({"GET", "k"})}},
          {"hello 1", {Cmd({"HELLO", "1"})}},
          {"hello 0", {Cmd({"HELLO", "0"})}},
          {"hello -1", {Cmd({"HELLO", "-1"})}},
          {"hello abc", {Cmd({"HELLO", "abc"})}},
          {"hello 3.0", {Cmd({"HELLO", "3.0"})}},
          {"hello huge", {Cmd({"HELLO", "99999999999999999999"})}},
          {"hello bad option", {Cmd({"HELLO", "3", "FOO"}), Cmd({"GET", "k"})}},
          {"hello setname", {Hello({"HELLO", "3", "SETNAME", "app"}), Cmd({"CLIENT", "GETNAME"})}},
          {"hello setname missing value", {Cmd({"HELLO", "3", "SETNAME"})}},
          {"hello setname bad name", {Cmd({"HELLO", "2", "SETNAME", "a b"})}},
          {"hello auth default nopass", {Hello({"HELLO", "3", "AUTH", "default", "x"})}},
          {"hello auth missing args", {Cmd({"HELLO", "3", "AUTH", "default"})}},
          {"hello lower-case", {Hello({"hello", "3", "setname", "n"})}},
      });
}

TEST_F(ConnectionDiffTest, AuthAndClient) {
  RunTable(
      "auth-client",
      {
          {"auth without password configured", {Cmd({"AUTH", "pw"})}},
          {"auth default user nopass", {Cmd({"AUTH", "default", "anything"})}},
          {"auth unknown user", {Cmd({"AUTH", "bob", "pw"})}},
          {"auth too many args", {Cmd({"AUTH", "a", "b", "c"})}},
          {"auth arity", {Cmd({"AUTH"})}},
          {"client getname unset", {Cmd({"CLIENT", "GETNAME"})}},
          {"client setname", {Cmd({"CLIENT", "SETNAME", "worker-1"}), Cmd({"CLIENT", "GETNAME"})}},
          {"client setname lower-case",
           {Cmd({"client", "setname", "n"}), Cmd({"client", "getname"})}},
          {"client setname empty clears",
           {Cmd({"CLIENT", "SETNAME", "n"}), Cmd({"CLIENT", "SETNAME", ""}),
            Cmd({"CLIENT", "GETNAME"})}},
          {"client setname space", {Cmd({"CLIENT", "SETNAME", "a b"}), Cmd({"CLIENT", "GETNAME"})}},
          {"client setname newline", {Cmd({"CLIENT", "SETNAME", "a\nb"})}},
          {"client setname arity", {Cmd({"CLIENT", "SETNAME"})}},
          {"client setname too many", {Cmd({"CLIENT", "SETNAME", "a", "b"})}},
          {"client getname arity", {Cmd({"CLIENT", "GETNAME", "x"})}},
          {"client id", {TypeOnly({"CLIENT", "ID"})}},
          {"client arity", {Cmd({"CLIENT"})}},
          {"client unknown subcommand", {Cmd({"CLIENT", "FOO"})}},
          {"client unknown subcommand lower", {Cmd({"client", "foo", "bar"})}},
      });
}

TEST_F(ConnectionDiffTest, UnknownCommandsAndArity) {
  std::string long_name(200, 'x');
  std::string long_arg(100, 'a');
  RunTable("unknown-arity",
           {
               {"unknown no args", {Cmd({"FOOBAR"})}},
               {"unknown with args", {Cmd({"FOOBAR", "a", "b"})}},
               {"unknown lower-case", {Cmd({"foobar", "A"})}},
               {"unknown long name", {Cmd({long_name, "a"})}},
               {"unknown long args", {Cmd({"FOOBAR", long_arg, long_arg, long_arg, "tail"})}},
               {"unknown many args",
                {Cmd({"FOOBAR", "1",  "2",  "3",  "4",  "5",  "6",  "7",  "8",  "9",  "10",
                      "11",     "12", "13", "14", "15", "16", "17", "18", "19", "20", "21",
                      "22",     "23", "24", "25", "26", "27", "28", "29", "30", "31", "32",
                      "33",     "34", "35", "36", "37", "38", "39", "40"})}},
               {"unknown crlf in args", {Cmd({"FOOBAR", "a\r\nb", "c\nd"})}},
               {"unknown crlf in name", {Cmd({"FOO\r\nBAR"})}},
               {"unknown empty name", {Cmd({""})}},
               {"unknown empty arg", {Cmd({"FOOBAR", ""})}},
               {"unknown quote in arg", {Cmd({"FOOBAR", "it's"})}},
               {"arity set", {Cmd({"SET", "k"})}},
               {"arity get", {Cmd({"GET"})}},
               {"arity del", {Cmd({"DEL"})}},
               {"arity exists", {Cmd({"EXISTS"})}},
               {"arity setnx", {Cmd({"SETNX", "k"})}},
               {"arity setex", {Cmd({"SETEX", "k", "1"})}},
               {"arity psetex", {Cmd({"PSETEX", "k", "1"})}},
               {"arity pexpire", {Cmd({"PEXPIRE", "k"})}},
               {"arity expire", {Cmd({"EXPIRE"})}},
               {"arity pexpireat", {Cmd({"PEXPIREAT", "k"})}},
               {"arity expireat", {Cmd({"EXPIREAT", "k"})}},
               {"arity pttl", {Cmd({"PTTL"})}},
               {"arity ttl", {Cmd({"TTL"})}},
               {"arity persist", {Cmd({"PERSIST", "a", "b"})}},
               {"arity type", {Cmd({"TYPE"})}},
               {"arity ping", {Cmd({"PING", "a", "b"})}},
               {"arity echo", {Cmd({"ECHO"})}},
               {"arity select", {Cmd({"SELECT"})}},
               {"arity auth", {Cmd({"AUTH"})}},
               {"arity client", {Cmd({"CLIENT"})}},
               {"arity eval", {Cmd({"EVAL", "return 1"})}},
               {"arity evalsha", {Cmd({"EVALSHA", "abc"})}},
               {"arity script", {Cmd({"SCRIPT"})}},
               {"arity script load", {Cmd({"SCRIPT", "LOAD"})}},
               {"arity upper-case name in error", {Cmd({"GeT"})}},
           });
}

}  // namespace
}  // namespace locknode::test

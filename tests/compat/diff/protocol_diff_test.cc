// Differential cases for the wire protocol itself (COMPAT.md §3.7, SAFETY.md §2.3): inline
// commands and their quoting, pipelines, and the malformed requests of Redis's
// tests/unit/protocol.tcl. Every case runs on its own connection, so a protocol error (reply,
// then close) is seen in isolation; the harness's trailing PING checks both servers closed.
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

class ProtocolDiffTest : public DiffTest {};

TEST_F(ProtocolDiffTest, InlineCommands) {
  RunTable(
      "inline",
      {
          {"ping crlf", {Raw("PING\r\n")}},
          {"ping lf only", {Raw("PING\n")}},
          {"ping lower-case", {Raw("ping\r\n")}},
          {"ping with message", {Raw("PING hello\r\n")}},
          {"extra spaces", {Raw("   PING    hi   \r\n")}},
          {"tabs", {Raw("ECHO\tx\r\n")}},
          {"empty line is ignored", {Raw("\r\n", 0)}},
          {"blank line is ignored", {Raw("   \r\n", 0)}},
          {"lf only empty line", {Raw("\n", 0)}},
          {"set and get", {Raw("set k v\r\n"), Raw("get k\r\n")}},
          {"double quotes", {Raw("set k \"b c\"\r\n"), Raw("get k\r\n")}},
          {"single quotes", {Raw("set k 'x y'\r\n"), Raw("get k\r\n")}},
          {"escapes in double quotes", {Raw("set k \"a\\x41\\n\\t\\\"z\"\r\n"), Raw("get k\r\n")}},
          {"escaped quote in single quotes", {Raw("set k 'it\\'s'\r\n"), Raw("get k\r\n")}},
          {"empty quoted arg", {Raw("set k \"\"\r\n"), Raw("get k\r\n")}},
          {"unbalanced double quote", {Raw("set k \"abc\r\n")}},
          {"unbalanced single quote", {Raw("set k 'abc\r\n")}},
          {"quote not followed by space", {Raw("set k \"a\"b\r\n")}},
          {"unknown inline command", {Raw("FOO bar baz\r\n")}},
          {"inline arity error", {Raw("GET\r\n")}},
          {"inline set nx px",
           {Raw("SET lock tok NX PX 30000\r\n"), Raw("SET lock tok NX PX 30000\r\n")}},
          {"inline quit", {Raw("QUIT\r\n")}},
          {"cr inside inline arg", {Raw("ECHO a\rb\r\n")}},
      });
}

TEST_F(ProtocolDiffTest, Pipelines) {
  RunTable("pipelines",
           {
               {"two inline", {Raw("PING\r\nPING\r\n", 2)}},
               {"inline then multibulk", {Raw("PING a\r\n*2\r\n$4\r\nECHO\r\n$1\r\nb\r\n", 2)}},
               {"set get del",
                {Raw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
                     "*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n",
                     3)}},
               {"error in the middle", {Raw("PING\r\n*1\r\n$3\r\nFOO\r\nPING\r\n", 3)}},
               {"empty lines between", {Raw("PING\r\n\r\n\r\nPING\r\n", 2)}},
               {"zero-length multibulk between", {Raw("PING\r\n*0\r\nPING\r\n", 2)}},
               {"reply then protocol error", {Raw("PING\r\n*1\r\n$abc\r\n", 2)}},
           });
}

TEST_F(ProtocolDiffTest, MalformedMultibulk) {
  // 65537 bytes with no newline: one more than PROTO_INLINE_MAX_SIZE, so the server has read
  // every byte when it errors (nothing unread, so no RST can race the error reply).
  std::string no_newline(65536, 'A');
  RunTable(
      "malformed",
      {
          // tests/unit/protocol.tcl
          {"empty query", {Raw("\r\n", 0)}},
          {"negative multibulk length", {Raw("*-10\r\n", 0)}},
          {"multibulk -1", {Raw("*-1\r\n", 0)}},
          {"multibulk 0", {Raw("*0\r\n", 0)}},
          {"out of range multibulk length", {Raw("*3000000000\r\n")}},
          {"wrong multibulk payload header", {Raw("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n")}},
          {"negative multibulk payload length", {Raw("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n")}},
          {"out of range multibulk payload length",
           {Raw("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n")}},
          {"non-number multibulk payload length",
           {Raw("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n")}},
          {"multibulk not followed by bulk", {Raw("*1\r\nfoo\r\n")}},
          {"generic wrong number of args", {Cmd({"PING", "x", "y", "z"})}},
          {"desync regression nul", {Raw(std::string(1, '\0') + no_newline)}},
          {"desync regression star nul", {Raw(std::string("*\0", 2) + no_newline.substr(1))}},
          {"desync regression dollar nul", {Raw(std::string("$\0", 2) + no_newline.substr(1))}},
          // Further malformed framing.
          {"bulk length not a number", {Raw("*1\r\n$abc\r\n")}},
          {"bulk length -1", {Raw("*2\r\n$3\r\nGET\r\n$-1\r\n")}},
          {"bulk length with plus", {Raw("*1\r\n$+4\r\nPING\r\n")}},
          {"multibulk length not a number", {Raw("*abc\r\n")}},
          {"multibulk length with plus", {Raw("*+1\r\n$4\r\nPING\r\n")}},
          {"multibulk length empty", {Raw("*\r\n")}},
          {"bulk length empty", {Raw("*1\r\n$\r\n")}},
          {"expected dollar got colon", {Raw("*1\r\n:1\r\n")}},
          {"expected dollar got star", {Raw("*2\r\n*1\r\n")}},
          {"too big mbulk count string", {Raw("*" + std::string(65536, '1'))}},
          {"too big bulk count string", {Raw("*1\r\n$" + std::string(65536, '1'))}},
          {"too big inline request", {Raw(no_newline + "B")}},
          {"bulk payload not followed by crlf", {Raw("*1\r\n$4\r\nPINGxx\r\n")}},
          {"multibulk count line lf only", {Raw("*1\n$4\r\nPING\r\n")}},
      });
}

}  // namespace
}  // namespace locknode::test

// Self-checks of the test support code: if the reply framer or the HELLO normaliser were wrong,
// the integration and differential suites could pass (or fail) for the wrong reason.
#include <string>

#include <gtest/gtest.h>

#include "support/diff_harness.h"
#include "support/pty_session.h"
#include "support/resp_client.h"
#include "support/resp_reply.h"

namespace locknode::test {
namespace {

TEST(SupportSelfTest, FramesEveryRespType) {
  EXPECT_EQ(ReadReply("+OK\r\n"), 5);
  EXPECT_EQ(ReadReply("-ERR x\r\n+OK\r\n"), 8);
  EXPECT_EQ(ReadReply(":-2\r\n"), 5);
  EXPECT_EQ(ReadReply("$-1\r\n"), 5);
  EXPECT_EQ(ReadReply("$0\r\n\r\n"), 6);
  EXPECT_EQ(ReadReply("$4\r\na\r\nb\r\n"), 10);  // CRLF inside a bulk is payload
  EXPECT_EQ(ReadReply("*2\r\n:1\r\n$1\r\nx\r\n"), 15);
  EXPECT_EQ(ReadReply("*0\r\n"), 4);
  EXPECT_EQ(ReadReply("*-1\r\n"), 5);
  EXPECT_EQ(ReadReply("_\r\n"), 3);
  EXPECT_EQ(ReadReply("#t\r\n"), 4);
  EXPECT_EQ(ReadReply(",1.5\r\n"), 6);
  EXPECT_EQ(ReadReply("(123\r\n"), 6);
  EXPECT_EQ(ReadReply("=7\r\ntxt:abc\r\n"), 13);
  EXPECT_EQ(ReadReply("%1\r\n+a\r\n:1\r\n"), 12);
  EXPECT_EQ(ReadReply("~2\r\n+a\r\n+b\r\n"), 12);
  EXPECT_EQ(ReadReply(">2\r\n+a\r\n+b\r\n"), 12);
  EXPECT_EQ(ReadReply("|1\r\n+k\r\n+v\r\n+OK\r\n"), 17);  // attribute + its reply
  EXPECT_EQ(ReadReply("*2\r\n*1\r\n:1\r\n%0\r\n"), 16);
}

TEST(SupportSelfTest, IncompleteAndMalformed) {
  EXPECT_EQ(ReadReply(""), 0);
  EXPECT_EQ(ReadReply("+OK"), 0);
  EXPECT_EQ(ReadReply("+OK\r"), 0);
  EXPECT_EQ(ReadReply("$3\r\nab"), 0);
  EXPECT_EQ(ReadReply("$3\r\nabc\r"), 0);
  EXPECT_EQ(ReadReply("*2\r\n:1\r\n"), 0);
  EXPECT_EQ(ReadReply("%1\r\n+a\r\n"), 0);
  EXPECT_EQ(ReadReply("?x\r\n"), -1);
  EXPECT_EQ(ReadReply("$abc\r\n"), -1);
  EXPECT_EQ(ReadReply("$3\r\nabcd\r\n"), -1);
  EXPECT_EQ(ReadReply("*-2\r\n"), -1);
  // Strict: what neither redis-server nor locknode's writer may send is a failure, not a frame.
  EXPECT_EQ(ReadReply(":abc\r\n"), -1);
  EXPECT_EQ(ReadReply(":\r\n"), -1);
  EXPECT_EQ(ReadReply("_x\r\n"), -1);
  EXPECT_EQ(ReadReply("#y\r\n"), -1);
  EXPECT_EQ(ReadReply("(1a\r\n"), -1);
  EXPECT_EQ(ReadReply("~-1\r\n"), -1);  // only $ and * have a null form
  EXPECT_EQ(ReadReply("=-1\r\n"), -1);
  EXPECT_EQ(ReadReply("+O\nK\r\n"), -1);  // stray LF inside a line
  EXPECT_EQ(ReadReply("+OK\n"), -1);
  EXPECT_EQ(ReadReply("*1\r\n$1\r\nxy\r\n"), -1);
}

TEST(SupportSelfTest, DescribesTheOutermostValue) {
  RespValue v;
  EXPECT_EQ(ReadReply(":-42\r\n", &v), 6);
  EXPECT_EQ(v.type, ':');
  EXPECT_EQ(v.number, -42);
  EXPECT_EQ(ReadReply("$4\r\na\r\nb\r\n+OK\r\n", &v), 10);
  EXPECT_EQ(v.type, '$');
  EXPECT_EQ(v.text, "a\r\nb");
  EXPECT_FALSE(v.null);
  EXPECT_EQ(ReadReply("$-1\r\n", &v), 5);
  EXPECT_TRUE(v.null);
  EXPECT_EQ(ReadReply("*2\r\n-ERR x\r\n:1\r\n", &v), 16);
  EXPECT_EQ(v.type, '*');
  EXPECT_EQ(v.number, 2);
  EXPECT_EQ(ReadReply("-ERR no\r\n", &v), 9);
  EXPECT_EQ(v.text, "ERR no");
  // A length or count near INT64_MAX is "incomplete" (no arithmetic overflow).
  EXPECT_EQ(ReadReply("$9223372036854775807\r\nx"), 0);
  EXPECT_EQ(ReadReply("%4611686018427387904\r\n"), 0);
}

TEST(SupportSelfTest, EncodeAndEscape) {
  EXPECT_EQ(EncodeCommand({"SET", "k", ""}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
  EXPECT_EQ(EscapeBytes(std::string("a\r\n\0\x7f\"\\", 7)), "a\\r\\n\\x00\\x7f\\\"\\\\");
}

TEST(SupportSelfTest, NormalizeHelloOnlyTouchesIdAndVersion) {
  std::string redis =
      "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:2\r\n"
      "$2\r\nid\r\n:24\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
      "$7\r\nmodules\r\n*0\r\n";
  std::string other = redis;
  other.replace(other.find("7.0.15"), 6, "7.2.4");
  other.replace(other.find("$6\r\n7.2.4"), 2, "$5");
  other.replace(other.find(":24\r\n"), 3, ":9");
  EXPECT_NE(redis, other);
  EXPECT_EQ(NormalizeHello(redis), NormalizeHello(other));
  // Any other difference survives normalisation.
  std::string wrong_proto = redis;
  wrong_proto.replace(wrong_proto.find(":2\r\n"), 2, ":3");
  EXPECT_NE(NormalizeHello(redis), NormalizeHello(wrong_proto));
  std::string resp3 = redis;
  resp3.replace(0, 3, "%7");
  EXPECT_NE(NormalizeHello(redis), NormalizeHello(resp3));
}

TEST(SupportSelfTest, StripAnsi) {
  EXPECT_EQ(StripAnsi("\x1b[0K127.0.0.1:6379> SET\x1b[90m key value\x1b[0m\r\n"),
            "127.0.0.1:6379> SET key value\n");
}

}  // namespace
}  // namespace locknode::test

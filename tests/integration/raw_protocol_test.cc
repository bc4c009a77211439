// The real binary driven over raw sockets: round trips, byte-at-a-time and huge pipelines,
// inline commands, protocol errors, QUIT, RESP3 nulls and real-time expiry (GUIDE.md §3 Tests).
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "integration/server_fixture.h"
#include "support/resp_client.h"

namespace locknode::test {
namespace {

class RawProtocolTest : public SharedServerTest {};

TEST_F(RawProtocolTest, Ping) {
  RespClient c(port());
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(c.RawCall("*1\r\n$4\r\nPING\r\n"), "+PONG\r\n");
  EXPECT_EQ(c.Call({"PING", "hi"}), "$2\r\nhi\r\n");
}

TEST_F(RawProtocolTest, SetNxPxGetDelRoundTrip) {
  RespClient c(port());
  ASSERT_TRUE(c.connected()) << c.error();
  EXPECT_EQ(c.Call({"SET", "rt:lock", "token-1", "NX", "PX", "30000"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"SET", "rt:lock", "token-2", "NX", "PX", "30000"}), "$-1\r\n");
  EXPECT_EQ(c.Call({"GET", "rt:lock"}), "$7\r\ntoken-1\r\n");
  std::string pttl = c.Call({"PTTL", "rt:lock"});
  ASSERT_EQ(pttl[0], ':') << EscapeBytes(pttl);
  int64_t remaining = std::stoll(pttl.substr(1));
  EXPECT_GT(remaining, 0);
  EXPECT_LE(remaining, 30000);
  EXPECT_EQ(c.Call({"DEL", "rt:lock"}), ":1\r\n");
  EXPECT_EQ(c.Call({"GET", "rt:lock"}), "$-1\r\n");
  EXPECT_EQ(c.Call({"DEL", "rt:lock"}), ":0\r\n");
}

// A pipeline mixing inline and multibulk requests, and its expected replies in order.
struct Pipeline {
  std::string bytes;
  std::vector<std::string> replies;
};

Pipeline MixedPipeline(const std::string& key) {
  Pipeline p;
  auto add = [&p](const std::string& request, const std::string& reply) {
    p.bytes += request;
    p.replies.push_back(reply);
  };
  add(EncodeCommand({"DEL", key}), ":0\r\n");
  add(EncodeCommand({"SET", key, "v\r\n1", "NX", "PX", "60000"}), "+OK\r\n");
  add("PING\r\n", "+PONG\r\n");
  add(EncodeCommand({"GET", key}), "$4\r\nv\r\n1\r\n");
  add("ECHO \"a b\"\n", "$3\r\na b\r\n");
  add(EncodeCommand({"ECHO", std::string(300, 'x')}), "$300\r\n" + std::string(300, 'x') + "\r\n");
  add(EncodeCommand({"EXISTS", key, key, "nosuch"}), ":2\r\n");
  add(EncodeCommand({"NOSUCHCMD", "a"}),
      "-ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' \r\n");
  add(EncodeCommand({"DEL", key}), ":1\r\n");
  return p;
}

std::vector<std::string> ReadN(RespClient& c, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(c.Read().Describe());
  return out;
}

TEST_F(RawProtocolTest, PipelineInOneWrite) {
  Pipeline p = MixedPipeline("pipe:one");
  RespClient c(port());
  ASSERT_TRUE(c.Send(p.bytes)) << c.error();
  EXPECT_EQ(ReadN(c, p.replies.size()), p.replies);
}

TEST_F(RawProtocolTest, PipelineOneByteAtATimeGivesSameReplies) {
  Pipeline p = MixedPipeline("pipe:bytewise");
  RespClient c(port());
  ASSERT_TRUE(c.SendBytewise(p.bytes)) << c.error();
  EXPECT_EQ(ReadN(c, p.replies.size()), p.replies);
  EXPECT_EQ(c.Call({"PING"}), "+PONG\r\n");
}

TEST_F(RawProtocolTest, TenThousandCommandPipelineRepliesInOrder) {
  constexpr int kCommands = 10000;
  std::string bytes;
  for (int i = 0; i < kCommands; ++i) bytes += EncodeCommand({"ECHO", std::to_string(i)});
  RespClient c(port());
  ASSERT_TRUE(c.connected()) << c.error();
  // Write from another thread: if the server applies backpressure (stops reading while its
  // replies are unread), a single-threaded write-then-read would deadlock.
  bool sent = false;
  std::thread writer([&] { sent = c.Send(bytes); });
  int in_order = 0;
  std::string first_bad;
  for (int i = 0; i < kCommands; ++i) {
    std::string want =
        "$" + std::to_string(std::to_string(i).size()) + "\r\n" + std::to_string(i) + "\r\n";
    std::string got = c.Read().Describe();
    if (got == want) {
      ++in_order;
    } else if (first_bad.empty()) {
      first_bad = "reply " + std::to_string(i) + ": " + EscapeBytes(got);
      if (got[0] == '<') break;  // no point reading on after EOF/timeout
    }
  }
  writer.join();
  EXPECT_TRUE(sent);
  EXPECT_EQ(in_order, kCommands) << first_bad;
}

TEST_F(RawProtocolTest, InlineCommands) {
  RespClient c(port());
  EXPECT_EQ(c.RawCall("PING\r\n"), "+PONG\r\n");
  EXPECT_EQ(c.RawCall("set inline:a \"b c\"\r\n"), "+OK\r\n");
  EXPECT_EQ(c.RawCall("get inline:a\r\n"), "$3\r\nb c\r\n");
  EXPECT_EQ(c.RawCall("EXISTS inline:a\n"), ":1\r\n");
  EXPECT_EQ(c.RawCall("del inline:a\r\n"), ":1\r\n");
}

TEST_F(RawProtocolTest, ProtocolErrorClosesOnlyThatConnection) {
  RespClient bad(port());
  RespClient good(port());
  ASSERT_EQ(good.Call({"PING"}), "+PONG\r\n");
  EXPECT_EQ(bad.RawCall("*1\r\n$abc\r\n"), "-ERR Protocol error: invalid bulk length\r\n");
  EXPECT_TRUE(bad.WaitForClose()) << "the server must close after a protocol error";
  EXPECT_EQ(good.Call({"PING"}), "+PONG\r\n");
}

TEST_F(RawProtocolTest, UnbalancedQuotesCloseTheConnection) {
  RespClient c(port());
  EXPECT_EQ(c.RawCall("set k \"abc\r\n"), "-ERR Protocol error: unbalanced quotes in request\r\n");
  EXPECT_TRUE(c.WaitForClose());
}

TEST_F(RawProtocolTest, QuitRepliesOkThenCloses) {
  RespClient c(port());
  EXPECT_EQ(c.Call({"QUIT"}), "+OK\r\n");
  EXPECT_TRUE(c.WaitForClose());
}

TEST_F(RawProtocolTest, Hello3SwitchesNullEncoding) {
  RespClient c(port());
  std::string hello = c.Call({"HELLO", "3"});
  EXPECT_EQ(hello.substr(0, 4), "%7\r\n") << EscapeBytes(hello);
  EXPECT_NE(hello.find("$5\r\nproto\r\n:3\r\n"), std::string::npos) << EscapeBytes(hello);
  EXPECT_EQ(c.Call({"GET", "hello3:missing"}), "_\r\n");
  std::string hello2 = c.Call({"HELLO", "2"});
  EXPECT_EQ(hello2.substr(0, 5), "*14\r\n") << EscapeBytes(hello2);
  EXPECT_EQ(c.Call({"GET", "hello3:missing"}), "$-1\r\n");
}

TEST_F(RawProtocolTest, KeyExpiresInRealTime) {
  RespClient c(port());
  ASSERT_EQ(c.Call({"SET", "expiry:k", "v", "PX", "100"}), "+OK\r\n");
  // Wide margin, no timing assertion: only that it expires eventually (within 3 s).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  std::string got;
  while (std::chrono::steady_clock::now() < deadline) {
    got = c.Call({"GET", "expiry:k"});
    if (got == "$-1\r\n") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(got, "$-1\r\n") << "key with PX 100 still present after 3 s";
  EXPECT_EQ(c.Call({"PTTL", "expiry:k"}), ":-2\r\n");
  EXPECT_EQ(c.Call({"EXISTS", "expiry:k"}), ":0\r\n");
}

TEST_F(RawProtocolTest, SurvivesClientsThatDisconnectMidRequest) {
  {
    RespClient c(port());
    ASSERT_TRUE(c.Send("*3\r\n$3\r\nSET\r\n$8\r\nhalf:key\r\n$10\r\nabc"));
  }  // closed with a bulk half sent
  {
    RespClient c(port());
    ASSERT_TRUE(
        c.Send("*3\r\n$3\r\nSET\r\n$8\r\nhalf:key\r\n$100000\r\n" + std::string(50000, 'x')));
  }
  {
    RespClient c(port());
    ASSERT_TRUE(c.Send("SET half:key inline-without-newline"));
  }
  {
    // Disconnect with replies still unread.
    RespClient c(port());
    std::string many;
    for (int i = 0; i < 1000; ++i) many += EncodeCommand({"ECHO", std::string(1000, 'y')});
    ASSERT_TRUE(c.Send(many));
  }
  RespClient c(port());
  EXPECT_EQ(c.Call({"PING"}), "+PONG\r\n");
  EXPECT_EQ(c.Call({"GET", "half:key"}), "$-1\r\n") << "a partial request must not be executed";
}

TEST_F(RawProtocolTest, ClientHandshakeCommands) {
  RespClient c(port());
  EXPECT_EQ(c.Call({"CLIENT", "SETNAME", "it-client"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"CLIENT", "GETNAME"}), "$9\r\nit-client\r\n");
  // 7.2 behaviour on purpose (COMPAT.md finding 3; go-redis 9.5.0 fails the connection otherwise).
  EXPECT_EQ(c.Call({"CLIENT", "SETINFO", "LIB-NAME", "go-redis(,go1.24.2)"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"CLIENT", "SETINFO", "LIB-VER", "9.5.0"}), "+OK\r\n");
  EXPECT_EQ(c.Call({"SELECT", "0"}), "+OK\r\n");
  std::string id = c.Call({"CLIENT", "ID"});
  EXPECT_EQ(id[0], ':') << EscapeBytes(id);
}

TEST_F(RawProtocolTest, InfoHasWhatClientsParse) {
  RespClient c(port());
  std::string info = c.Call({"INFO"});
  ASSERT_EQ(info[0], '$') << EscapeBytes(info);
  // ioredis's ready check waits on loading:1; redis_exporter reads role and redis_version.
  EXPECT_NE(info.find("loading:0"), std::string::npos) << info;
  EXPECT_NE(info.find("role:master"), std::string::npos) << info;
  EXPECT_NE(info.find("redis_version:"), std::string::npos) << info;
}

}  // namespace
}  // namespace locknode::test

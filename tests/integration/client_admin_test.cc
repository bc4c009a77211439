// CLIENT KILL (every filter, self-kill), CLIENT PAUSE/UNPAUSE (held, not refused; timing),
// CLIENT NO-TOUCH and MONITOR against the real binary, with several connections whose ids and
// ports only the server knows (the differential tests, tests/compat/diff/client_admin_diff_test,
// cover the replies that do not depend on them). Also Debian's redis-cli --stat, --latency and
// MONITOR.
#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "integration/server_fixture.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// The value of `field` in a CLIENT INFO line ("addr=127.0.0.1:5 laddr=...").
std::string InfoValue(const std::string& reply, const std::string& field) {
  const size_t at = reply.find(" " + field + "=");
  const size_t start = at == std::string::npos ? (reply.find(field + "=") == 0 ? 0 : at) : at + 1;
  if (start == std::string::npos) return "";
  const size_t value = start + field.size() + 1;
  return reply.substr(value, reply.find_first_of(" \r\n", value) - value);
}

class ClientAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartOrFail(extra_args_);
    ASSERT_NE(server_, nullptr);
  }

  std::unique_ptr<RespClient> Connect() {
    auto c = std::make_unique<RespClient>(server_->port());
    EXPECT_TRUE(c->connected()) << c->error();
    return c;
  }
  static std::string Id(RespClient& c) {
    const std::string r = c.Call({"CLIENT", "ID"});
    return r.substr(1, r.find('\r') - 1);
  }
  static std::string Field(RespClient& c, const std::string& field) {
    return InfoValue(c.Call({"CLIENT", "INFO"}), field);
  }

  std::vector<std::string> extra_args_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ClientAdminTest, KillById) {
  auto a = Connect();
  auto b = Connect();
  const std::string id = Id(*b);
  EXPECT_EQ(a->Call({"CLIENT", "KILL", "ID", id}), ":1\r\n");
  EXPECT_TRUE(b->WaitForClose());
  EXPECT_EQ(a->Call({"CLIENT", "KILL", "ID", id}), ":0\r\n");
  EXPECT_EQ(a->Call({"PING"}), "+PONG\r\n");
}

TEST_F(ClientAdminTest, KillOldFormByAddressAndItself) {
  auto a = Connect();
  auto b = Connect();
  const std::string b_addr = Field(*b, "addr");
  ASSERT_FALSE(b_addr.empty());
  EXPECT_EQ(a->Call({"CLIENT", "KILL", b_addr}), "+OK\r\n");
  EXPECT_TRUE(b->WaitForClose());
  EXPECT_EQ(a->Call({"CLIENT", "KILL", b_addr}), "-ERR No such client\r\n");
  // The old form may kill the caller: it gets its reply, then the connection closes.
  EXPECT_EQ(a->Call({"CLIENT", "KILL", Field(*a, "addr")}), "+OK\r\n");
  EXPECT_TRUE(a->WaitForClose());
}

TEST_F(ClientAdminTest, KillFilters) {
  auto a = Connect();
  auto b = Connect();
  auto c = Connect();
  auto sub = Connect();
  const std::string sub_addr = Field(*sub, "addr");
  ASSERT_EQ(sub->Call({"SUBSCRIBE", "ch"}), "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
  // CLIENT LIST sorts clients the same way: the subscriber is the one pubsub client.
  const std::string pubsub = a->Call({"CLIENT", "LIST", "TYPE", "pubsub"});
  EXPECT_NE(pubsub.find("addr=" + sub_addr + " "), std::string::npos) << pubsub;
  EXPECT_EQ(pubsub.find("id="), pubsub.rfind("id=")) << pubsub;  // only one line
  EXPECT_EQ(a->Call({"CLIENT", "LIST", "TYPE", "normal"}).find("addr=" + sub_addr + " "),
            std::string::npos);
  // TYPE pubsub: only the subscriber; its subscription goes with it.
  EXPECT_EQ(a->Call({"CLIENT", "KILL", "TYPE", "pubsub"}), ":1\r\n");
  EXPECT_TRUE(sub->WaitForClose());
  EXPECT_EQ(a->Call({"PUBSUB", "NUMSUB", "ch"}), "*2\r\n$2\r\nch\r\n:0\r\n");
  // Nobody is a replica or a master here.
  EXPECT_EQ(a->Call({"CLIENT", "KILL", "TYPE", "replica"}), ":0\r\n");
  // MAXAGE: every connection is younger than an hour.
  EXPECT_EQ(a->Call({"CLIENT", "KILL", "MAXAGE", "3600"}), ":0\r\n");
  // ADDR and LADDR together, USER default: exactly b.
  EXPECT_EQ(a->Call({"CLIENT", "KILL", "ADDR", Field(*b, "addr"), "LADDR", Field(*b, "laddr"),
                     "USER", "default"}),
            ":1\r\n");
  EXPECT_TRUE(b->WaitForClose());
  // LADDR alone matches everyone on this port; SKIPME yes (the default) spares the caller.
  EXPECT_EQ(a->Call({"CLIENT", "KILL", "LADDR", Field(*a, "laddr")}), ":1\r\n");
  EXPECT_TRUE(c->WaitForClose());
  EXPECT_EQ(a->Call({"CLIENT", "KILL", "ID", Id(*a)}), ":0\r\n");
  // SKIPME no: the caller itself, after its reply.
  EXPECT_EQ(a->Call({"CLIENT", "KILL", "ID", Id(*a), "SKIPME", "no"}), ":1\r\n");
  EXPECT_TRUE(a->WaitForClose());
}

TEST_F(ClientAdminTest, KillMaxAge) {
  auto a = Connect();
  auto old = Connect();
  std::this_thread::sleep_for(milliseconds(2100));
  auto young = Connect();
  EXPECT_EQ(a->Call({"CLIENT", "KILL", "MAXAGE", "2"}), ":1\r\n");  // a is skipped (SKIPME)
  EXPECT_TRUE(old->WaitForClose());
  EXPECT_EQ(young->Call({"PING"}), "+PONG\r\n");
}

TEST_F(ClientAdminTest, KilledTransactionAndBlockedStateGo) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_EQ(b->Call({"WATCH", "k"}), "+OK\r\n");
  ASSERT_EQ(b->Call({"MULTI"}), "+OK\r\n");
  ASSERT_EQ(b->Call({"SET", "k", "v"}), "+QUEUED\r\n");
  EXPECT_EQ(a->Call({"CLIENT", "KILL", "ID", Id(*a), "SKIPME", "yes"}), ":0\r\n");
  EXPECT_EQ(a->Call({"CLIENT", "KILL", "SKIPME", "yes"}), ":1\r\n");  // no filter: all others
  EXPECT_TRUE(b->WaitForClose());
  EXPECT_EQ(a->Call({"GET", "k"}), "$-1\r\n");  // the queued SET never ran
  EXPECT_EQ(InfoField(a->Call({"INFO", "clients"}), "connected_clients"), 1);
}

TEST_F(ClientAdminTest, PauseWriteHoldsWritesNotReads) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_EQ(a->Call({"CLIENT", "PAUSE", "500", "WRITE"}), "+OK\r\n");
  const auto start = Clock::now();
  EXPECT_EQ(b->Call({"GET", "k"}), "$-1\r\n");  // reads go on
  EXPECT_LT(Clock::now() - start, milliseconds(300));
  ASSERT_TRUE(b->Send(EncodeCommand({"SET", "k", "v"}) + EncodeCommand({"GET", "k"})));
  EXPECT_EQ(b->Read(milliseconds(200)).outcome, RespClient::Outcome::kTimeout);  // held
  EXPECT_EQ(b->Read(milliseconds(3000)).bytes, "+OK\r\n");  // not refused: run at the end
  EXPECT_GE(Clock::now() - start, milliseconds(450));
  EXPECT_EQ(b->Read().bytes, "$1\r\nv\r\n");  // and what was pipelined behind it, in order
}

TEST_F(ClientAdminTest, UnpauseReleasesHeldClients) {
  auto a = Connect();
  auto b = Connect();
  auto c = Connect();
  ASSERT_EQ(a->Call({"CLIENT", "PAUSE", "60000", "WRITE"}), "+OK\r\n");
  ASSERT_TRUE(b->Send(EncodeCommand({"INCR", "n"})));
  ASSERT_TRUE(c->Send(EncodeCommand({"EVAL", "return redis.call('incr', KEYS[1])", "1", "n"})));
  EXPECT_EQ(b->Read(milliseconds(200)).outcome, RespClient::Outcome::kTimeout);
  EXPECT_EQ(c->Read(milliseconds(50)).outcome, RespClient::Outcome::kTimeout);  // may write
  EXPECT_EQ(a->Call({"GET", "n"}), "$-1\r\n");
  EXPECT_EQ(a->Call({"CLIENT", "UNPAUSE"}), "+OK\r\n");
  EXPECT_EQ(b->Read().bytes, ":1\r\n");
  EXPECT_EQ(c->Read().bytes, ":2\r\n");
  // A held client that is killed is simply gone when the pause ends.
  ASSERT_EQ(a->Call({"CLIENT", "PAUSE", "300", "WRITE"}), "+OK\r\n");
  ASSERT_TRUE(b->Send(EncodeCommand({"INCR", "n"})));
  EXPECT_EQ(b->Read(milliseconds(100)).outcome, RespClient::Outcome::kTimeout);
  EXPECT_EQ(a->Call({"CLIENT", "KILL", "ID", Id(*c)}), ":1\r\n");
  EXPECT_EQ(b->Read(milliseconds(3000)).bytes, ":3\r\n");
}

TEST_F(ClientAdminTest, PauseAllHoldsEveryCommandUntilTheEnd) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_EQ(a->Call({"CLIENT", "PAUSE", "400", "ALL"}), "+OK\r\n");
  // A shorter WRITE pause keeps ALL and the later end (Redis pauseClientsByClient).
  const auto start = Clock::now();
  EXPECT_EQ(b->Call({"CLIENT", "PAUSE", "10", "WRITE"}), "+OK\r\n");  // itself held
  EXPECT_EQ(b->Call({"PING"}), "+PONG\r\n");
  EXPECT_GE(Clock::now() - start, milliseconds(300));
}

class PauseIdleTimeoutTest : public ClientAdminTest {
 protected:
  PauseIdleTimeoutTest() { extra_args_ = {"--timeout", "1"}; }
};

// The idle timeout does not close a client whose command the pause holds.
TEST_F(PauseIdleTimeoutTest, HeldClientIsNotIdle) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_EQ(a->Call({"CLIENT", "PAUSE", "2600", "WRITE"}), "+OK\r\n");
  ASSERT_TRUE(b->Send(EncodeCommand({"SET", "k", "v"})));
  EXPECT_EQ(b->Read(milliseconds(5000)).bytes, "+OK\r\n");
}

TEST_F(ClientAdminTest, NoTouchFlag) {
  auto a = Connect();
  EXPECT_EQ(Field(*a, "flags"), "N");
  EXPECT_EQ(a->Call({"CLIENT", "NO-TOUCH", "on"}), "+OK\r\n");
  EXPECT_EQ(Field(*a, "flags"), "T");
  EXPECT_EQ(a->Call({"CLIENT", "NO-TOUCH", "OFF"}), "+OK\r\n");
  EXPECT_EQ(Field(*a, "flags"), "N");
  EXPECT_EQ(a->Call({"CLIENT", "NO-TOUCH", "maybe"}), "-ERR syntax error\r\n");
}

TEST_F(ClientAdminTest, MonitorShowsEveryClientsCommands) {
  auto m = Connect();
  auto c = Connect();
  ASSERT_EQ(m->Call({"MONITOR"}), "+OK\r\n");
  EXPECT_EQ(Field(*c, "flags"), "N");
  const std::string c_addr = Field(*c, "addr");
  ASSERT_EQ(c->Call({"SET", "k", std::string("a\"b\n\x01 ", 6)}), "+OK\r\n");
  ASSERT_EQ(c->Call({"EVAL", "return redis.call('get', KEYS[1])", "1", "k"}).substr(0, 3), "$6\r");
  const std::regex line(R"(\+\d+\.\d{6} \[0 ([^\]]+)\] (.*)\r\n)");
  auto next = [&](const std::string& want_from, const std::string& want_args) {
    const RespClient::Reply r = m->Read();
    std::smatch match;
    ASSERT_TRUE(std::regex_match(r.bytes, match, line)) << EscapeBytes(r.bytes);
    EXPECT_EQ(match[1].str(), want_from);
    EXPECT_EQ(match[2].str(), want_args);
  };
  next(c_addr, R"x("CLIENT" "INFO")x");  // the two CLIENT INFO of Field() above
  next(c_addr, R"x("CLIENT" "INFO")x");
  next(c_addr, R"x("SET" "k" "a\"b\n\x01 ")x");
  next(c_addr, R"x("EVAL" "return redis.call('get', KEYS[1])" "1" "k")x");
  next("lua", R"x("get" "k")x");
  // AUTH's password is never shown; admin commands are not shown at all.
  c->Call({"AUTH", "secret"});
  next(c_addr, R"x("AUTH" "(redacted)")x");
  c->Call({"CLIENT", "LIST"});
  c->Call({"PING"});
  next(c_addr, R"x("PING")x");
  // A MONITOR client is flagged O; RESET leaves monitor mode.
  EXPECT_NE(c->Call({"CLIENT", "LIST"}).find("flags=O"), std::string::npos);
  EXPECT_EQ(m->Call({"RESET"}), "+RESET\r\n");
  c->Call({"PING"});
  EXPECT_EQ(m->Call({"PING"}), "+PONG\r\n");  // no monitor line before it
}

class MonitorLimitTest : public ClientAdminTest {
 protected:
  MonitorLimitTest() { extra_args_ = {"--client-output-buffer-limit", "normal 1mb 0 0"}; }
};

// A monitor that does not read is closed at the normal class's output limit; its memory never
// grows past it.
TEST_F(MonitorLimitTest, MonitorThatDoesNotReadIsClosed) {
  auto m = Connect();
  auto c = Connect();
  ASSERT_EQ(m->Call({"MONITOR"}), "+OK\r\n");
  const std::string value(64 * 1024, 'x');
  bool closed = false;
  for (int i = 0; i < 400 && !closed; ++i) {
    ASSERT_EQ(c->Call({"SET", "k", value}), "+OK\r\n");
    closed = c->Call({"CLIENT", "LIST"}).find("flags=O") == std::string::npos;
  }
  EXPECT_TRUE(closed);
  EXPECT_EQ(InfoField(c->Call({"INFO", "clients"}), "connected_clients"), 1);
}

std::vector<std::string> Cli(int port, std::vector<std::string> args) {
  // stdbuf: redis-cli buffers its output when it is not a terminal, and --stat only ends when
  // it is killed.
  std::vector<std::string> argv = {"stdbuf", "-oL", "redis-cli", "-p", std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

TEST_F(ClientAdminTest, RedisCliStat) {
  auto a = Connect();
  ASSERT_EQ(a->Call({"SET", "k", "v"}), "+OK\r\n");
  const ToolResult r = RunTool(Cli(server_->port(), {"--stat", "-i", "0.2"}), milliseconds(1500));
  EXPECT_TRUE(r.timed_out);  // it runs until stopped
  EXPECT_NE(r.output.find("keys       mem      clients blocked requests"), std::string::npos)
      << r.output;
  // Rows of figures: "1   <mem>  2  0  <requests> (+n)  <connections>".
  const std::regex row(R"(\n1 +[0-9.]+[BKMG] +[0-9]+ +0 +[0-9]+ \(\+[0-9]+\) +[0-9]+)");
  EXPECT_TRUE(std::regex_search(r.output, row)) << r.output;
  EXPECT_EQ(r.output.find("ERR"), std::string::npos) << r.output;
}

TEST_F(ClientAdminTest, RedisCliLatency) {
  // Not a terminal: redis-cli --latency samples for a while and prints "min max avg samples".
  const ToolResult r = RunTool(Cli(server_->port(), {"--latency"}), milliseconds(30000));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::regex_match(r.output, std::regex(R"(\d+ \d+ \d+\.\d+ \d+\n)"))) << r.output;
}

TEST_F(ClientAdminTest, RedisCliMonitor) {
  auto a = Connect();
  // redis-cli MONITOR prints one line per command until killed.
  ToolResult r;
  std::thread cli([&] { r = RunTool(Cli(server_->port(), {"MONITOR"}), milliseconds(1500)); });
  // Commands until the monitor is there (it shows in CLIENT LIST as flags=O).
  for (int i = 0; i < 100 && a->Call({"CLIENT", "LIST"}).find("flags=O") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_EQ(a->Call({"SET", "seen by", "monitor"}), "+OK\r\n");
  cli.join();
  EXPECT_NE(r.output.find("OK\n"), std::string::npos) << r.output;
  EXPECT_TRUE(std::regex_search(
      r.output, std::regex(R"(\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "seen by" "monitor")")))
      << r.output;
}

}  // namespace
}  // namespace locknode::test

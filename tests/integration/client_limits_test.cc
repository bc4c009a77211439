// The client limit options as a user meets them: their syntax and startup errors, CONFIG GET,
// the CLIENT LIST buffer fields, and the partial-request deadline's reset rule. The abusive
// cases (and the limits firing under load) are in abuse_test.cc.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "integration/server_fixture.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

using std::chrono::milliseconds;

std::string ConfigGetReply(const std::string& name, const std::string& value) {
  return "*2\r\n$" + std::to_string(name.size()) + "\r\n" + name + "\r\n$" +
         std::to_string(value.size()) + "\r\n" + value + "\r\n";
}

// Runs the binary with `args` expecting a startup failure; returns its output.
std::string StartupError(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {LocknodeBinary(), "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  const ToolResult r = RunTool(argv, std::chrono::seconds(10));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  return r.output;
}

TEST(ClientLimitsTest, DefaultsShowInConfigGet) {
  auto server = StartOrFail({});
  ASSERT_NE(server, nullptr);
  RespClient c(server->port());
  EXPECT_EQ(c.Call({"CONFIG", "GET", "client-output-buffer-limit"}),
            ConfigGetReply("client-output-buffer-limit",
                           "normal 67108864 16777216 60 pubsub 33554432 8388608 60"));
  EXPECT_EQ(c.Call({"CONFIG", "GET", "client-request-timeout-ms"}),
            ConfigGetReply("client-request-timeout-ms", "10000"));
  EXPECT_EQ(c.Call({"CONFIG", "GET", "maxmemory-clients"}),
            ConfigGetReply("maxmemory-clients", "268435456"));
}

TEST(ClientLimitsTest, RedisSyntaxIsAcceptedWithItsUnits) {
  // A line copied from redis.conf: the replica class is accepted and ignored, pubsub is kept.
  const std::string conf =
      ::testing::TempDir() + "client_limits_" + std::to_string(::getpid()) + ".conf";
  std::ofstream(conf) << "client-output-buffer-limit = \"normal 1mb 512kb 5 replica 256mb "
                         "64mb 60 pubsub 32mb 8m 60\"\nmaxmemory-clients = 8mb\n";
  auto server = StartOrFail({"--config", conf, "--client-request-timeout-ms", "0"});
  ASSERT_NE(server, nullptr);
  RespClient c(server->port());
  EXPECT_EQ(c.Call({"CONFIG", "GET", "client-output-buffer-limit"}),
            ConfigGetReply("client-output-buffer-limit",
                           "normal 1048576 524288 5 pubsub 33554432 8000000 60"));
  EXPECT_EQ(c.Call({"CONFIG", "GET", "maxmemory-clients"}),
            ConfigGetReply("maxmemory-clients", "8388608"));
  EXPECT_EQ(c.Call({"CONFIG", "GET", "client-request-timeout-ms"}),
            ConfigGetReply("client-request-timeout-ms", "0"));
  std::remove(conf.c_str());
}

TEST(ClientLimitsTest, BadValuesStopTheServerWithRedisReasons) {
  EXPECT_NE(StartupError({"--client-output-buffer-limit", "master 1mb 0 0"})
                .find("Invalid client class specified in buffer limit configuration."),
            std::string::npos);
  EXPECT_NE(StartupError({"--client-output-buffer-limit", "normal 1mb 0"})
                .find("Wrong number of arguments in buffer limit configuration."),
            std::string::npos);
  EXPECT_NE(StartupError({"--client-output-buffer-limit", "normal 10mbs 0 0"})
                .find("Error in hard, soft or soft_seconds setting"),
            std::string::npos);
  EXPECT_NE(StartupError({"--client-output-buffer-limit", "normal 1mb 0 -1"})
                .find("Error in hard, soft or soft_seconds setting"),
            std::string::npos);
  EXPECT_NE(StartupError({"--client-request-timeout-ms", "-1"}).find("client-request-timeout-ms"),
            std::string::npos);
}

TEST(ClientLimitsTest, ClientListShowsBufferSizes) {
  auto server = StartOrFail({});
  ASSERT_NE(server, nullptr);
  RespClient partial(server->port());
  ASSERT_EQ(partial.Call({"CLIENT", "SETNAME", "partial"}), "+OK\r\n");
  ASSERT_TRUE(partial.Send("*2\r\n$3\r\nGET\r\n$10\r\nabc"));
  RespClient c(server->port());
  long qbuf = -1;
  long tot_mem = -1;
  for (int attempt = 0; attempt < 50 && qbuf <= 0; ++attempt) {
    const std::string list = c.Call({"CLIENT", "LIST"});
    const size_t at = list.find("name=partial ");
    ASSERT_NE(at, std::string::npos) << list;
    qbuf = std::stol(list.substr(list.find(" qbuf=", at) + 6));
    tot_mem = std::stol(list.substr(list.find(" tot-mem=", at) + 9));
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_GE(qbuf, 3);             // at least the body bytes of the unfinished request
  EXPECT_LE(qbuf, 22);            // and no more than was sent
  EXPECT_GE(tot_mem, 16 * 1024);  // its read buffer, at least
}

// The deadline runs per request: a client whose requests each arrive in pieces, but complete in
// time, lives far beyond the deadline; one request that never completes is closed.
TEST(ClientLimitsTest, RequestDeadlineRestartsWithEveryRequest) {
  auto server = StartOrFail({"--client-request-timeout-ms", "1000"});
  ASSERT_NE(server, nullptr);
  RespClient stuck(server->port());
  ASSERT_TRUE(stuck.Send("*1\r\n$4\r\nPI"));
  RespClient steady(server->port());
  for (int i = 0; i < 8; ++i) {  // ~2.4 s in all, 0.3 s per request
    ASSERT_TRUE(steady.Send("*1\r\n$4\r\nPI"));
    std::this_thread::sleep_for(milliseconds(300));
    ASSERT_EQ(steady.RawCall("NG\r\n"), "+PONG\r\n") << "request " << i;
  }
  EXPECT_TRUE(stuck.WaitForClose(std::chrono::seconds(15)));
  EXPECT_EQ(steady.Call({"PING"}), "+PONG\r\n");
}

// proto-inline-max-size: Redis's fixed 64 KiB made an option. An inline request or a length
// line over it gets Redis's error and the close; one under it is served.
TEST(ClientLimitsTest, InlineMaxSizeIsConfigurable) {
  auto server = StartOrFail({"--proto-inline-max-size", "1kb"});
  ASSERT_NE(server, nullptr);
  RespClient c(server->port());
  EXPECT_EQ(c.Call({"CONFIG", "GET", "proto-inline-max-size"}),
            ConfigGetReply("proto-inline-max-size", "1024"));
  const std::string fits(900, 'x');
  EXPECT_EQ(c.RawCall("ECHO " + fits + "\r\n"),
            "$" + std::to_string(fits.size()) + "\r\n" + fits + "\r\n");
  RespClient inline_client(server->port());
  EXPECT_EQ(inline_client.RawCall("ECHO " + std::string(2000, 'x') + "\r\n"),
            "-ERR Protocol error: too big inline request\r\n");
  EXPECT_TRUE(inline_client.WaitForClose());
  RespClient count_client(server->port());
  EXPECT_EQ(count_client.RawCall("*" + std::string(2000, '1')),
            "-ERR Protocol error: too big mbulk count string\r\n");
  EXPECT_TRUE(count_client.WaitForClose());
  EXPECT_EQ(c.Call({"PING"}), "+PONG\r\n");
  EXPECT_NE(StartupError({"--proto-inline-max-size", "100"}).find("proto-inline-max-size"),
            std::string::npos);
}

}  // namespace
}  // namespace locknode::test

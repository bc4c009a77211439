// Debian's redis-cli and redis-benchmark (7.0.15) against the real binary, non-interactively.
#include <chrono>
#include <string>
#include <vector>

#include "integration/server_fixture.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

constexpr std::chrono::milliseconds kCliTimeout{30000};
// A Debug build on two busy cores: 20000 requests per test can take a while.
constexpr std::chrono::milliseconds kBenchmarkTimeout{300000};

class RedisToolsTest : public SharedServerTest {
 protected:
  ToolResult Cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"redis-cli", "-p", std::to_string(port())};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunTool(argv, kCliTimeout);
  }
};

TEST_F(RedisToolsTest, CliSetNxPxGet) {
  LOCKNODE_REQUIRE_TOOL("redis-cli");
  ToolResult set = Cli({"set", "cli:k", "v", "NX", "PX", "5000"});
  EXPECT_EQ(set.exit_code, 0) << set.output;
  EXPECT_EQ(set.output, "OK\n");
  // A refused NX is a nil: printed as an empty line when stdout is not a tty.
  ToolResult again = Cli({"set", "cli:k", "w", "NX", "PX", "5000"});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output, "\n");
  ToolResult get = Cli({"get", "cli:k"});
  EXPECT_EQ(get.output, "v\n");
  ToolResult raw = Cli({"--raw", "get", "cli:k"});
  EXPECT_EQ(raw.output, "v\n");
  ToolResult pttl = Cli({"pttl", "cli:k"});
  EXPECT_EQ(pttl.exit_code, 0);
  EXPECT_GT(std::stoll(pttl.output), 0) << pttl.output;
  ToolResult del = Cli({"del", "cli:k"});
  EXPECT_EQ(del.output, "1\n");
}

TEST_F(RedisToolsTest, CliErrorsAndPing) {
  LOCKNODE_REQUIRE_TOOL("redis-cli");
  EXPECT_EQ(Cli({"ping"}).output, "PONG\n");
  // redis-cli prints an error reply followed by an empty line when stdout is not a tty.
  EXPECT_EQ(Cli({"set", "cli:e", "v", "PX", "0"}).output,
            "ERR invalid expire time in 'set' command\n\n");
  EXPECT_EQ(Cli({"-3", "get", "cli:missing"}).output, "\n");
}

TEST_F(RedisToolsTest, Benchmark) {
  LOCKNODE_REQUIRE_TOOL("redis-benchmark");
  ToolResult r = RunTool({"redis-benchmark", "-p", std::to_string(port()), "-t",
                          "ping,set,get,incr,mset", "-n", "20000", "-q"},
                         kBenchmarkTimeout);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("Error"), std::string::npos) << r.output;
  // Issue 16: the default run used to stop at INCR.
  for (const char* test : {"PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET (10 keys)"}) {
    EXPECT_NE(r.output.find(std::string(test) + ": "), std::string::npos) << test << r.output;
  }
}

TEST_F(RedisToolsTest, BenchmarkPipelined) {
  LOCKNODE_REQUIRE_TOOL("redis-benchmark");
  ToolResult r = RunTool({"redis-benchmark", "-p", std::to_string(port()), "-t", "set,get,ping",
                          "-n", "20000", "-q", "-P", "16"},
                         kBenchmarkTimeout);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("Error"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("GET: "), std::string::npos) << r.output;
}

TEST_F(RedisToolsTest, BenchmarkLockCommand) {
  LOCKNODE_REQUIRE_TOOL("redis-benchmark");
  ToolResult r = RunTool({"redis-benchmark", "-p", std::to_string(port()), "-n", "5000", "-q", "-r",
                          "1000", "SET", "lock:__rand_int__", "tok", "NX", "PX", "1000"},
                         kBenchmarkTimeout);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("Error"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace locknode::test

// Debian's redis-cli 7.0.15 key-iteration modes against the real binary: --scan (with
// --pattern), --bigkeys (SCAN, then TYPE and STRLEN per key) and --memkeys (SCAN, TYPE, MEMORY
// USAGE). Each test has a node of its own, so the whole keyspace is known.
#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "integration/server_fixture.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

constexpr std::chrono::milliseconds kCliTimeout{60000};
constexpr int kKeys = 3000;

class ScanToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartOrFail({});
    ASSERT_NE(server_, nullptr);
    RespClient c(server_->port());
    std::vector<std::string> mset = {"MSET"};
    for (int i = 0; i < kKeys; ++i) {
      mset.push_back("tools:" + std::to_string(i));
      mset.push_back("v");
    }
    ASSERT_EQ(c.Call(mset), "+OK\r\n");
    ASSERT_EQ(c.Call({"SET", "tools:big", std::string(5000, 'x')}), "+OK\r\n");
  }

  ToolResult Cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"redis-cli", "-p", std::to_string(server_->port())};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunTool(argv, kCliTimeout);
  }

  static std::multiset<std::string> Lines(const std::string& output) {
    std::multiset<std::string> lines;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);) lines.insert(line);
    return lines;
  }

  std::unique_ptr<ServerProcess> server_;
};

TEST_F(ScanToolsTest, ScanListsEveryKeyOnce) {
  LOCKNODE_REQUIRE_TOOL("redis-cli");
  const ToolResult r = Cli({"--scan"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::multiset<std::string> expected = {"tools:big"};
  for (int i = 0; i < kKeys; ++i) expected.insert("tools:" + std::to_string(i));
  EXPECT_EQ(Lines(r.output), expected);
}

TEST_F(ScanToolsTest, ScanWithPattern) {
  LOCKNODE_REQUIRE_TOOL("redis-cli");
  const ToolResult r = Cli({"--scan", "--pattern", "tools:2?5"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::multiset<std::string> expected;
  for (int i = 0; i < 10; ++i) expected.insert("tools:2" + std::to_string(i) + "5");
  EXPECT_EQ(Lines(r.output), expected);
}

TEST_F(ScanToolsTest, BigKeysFindsTheBiggestString) {
  LOCKNODE_REQUIRE_TOOL("redis-cli");
  const ToolResult r = Cli({"--bigkeys"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Sampled " + std::to_string(kKeys + 1) + " keys in the keyspace!"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("Biggest string found '\"tools:big\"' has 5000 bytes"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(std::to_string(kKeys + 1) + " strings with " +
                          std::to_string(kKeys + 5000) + " bytes"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("Error"), std::string::npos) << r.output;
}

TEST_F(ScanToolsTest, MemKeysReportsMemoryUsage) {
  LOCKNODE_REQUIRE_TOOL("redis-cli");
  RespClient c(server_->port());
  const std::string usage = c.Call({"MEMORY", "USAGE", "tools:big"});
  ASSERT_EQ(usage[0], ':') << usage;
  const std::string big_bytes = usage.substr(1, usage.size() - 3);
  EXPECT_GE(std::stoll(big_bytes), 5000 + 9);  // at least the key and value bytes
  const ToolResult r = Cli({"--memkeys"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Sampled " + std::to_string(kKeys + 1) + " keys in the keyspace!"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("Biggest string found '\"tools:big\"' has " + big_bytes + " bytes"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("Error"), std::string::npos) << r.output;
  // --memkeys-samples sends MEMORY USAGE key SAMPLES n.
  const ToolResult sampled = Cli({"--memkeys-samples", "3"});
  ASSERT_EQ(sampled.exit_code, 0) << sampled.output;
  EXPECT_NE(sampled.output.find("Biggest string found '\"tools:big\"' has " + big_bytes),
            std::string::npos)
      << sampled.output;
}

}  // namespace
}  // namespace locknode::test

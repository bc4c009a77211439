// The pure parts of `locknode lock`: Redlock's validity arithmetic, node lists and the command
// line (the network and process behaviour is tested in tests/integration/lock_cmd_*).
#include "lockcli/lock_options.h"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "locknode/lockcli/lock_command.h"

#include "lockcli/redlock.h"

namespace locknode::lockcli {
namespace {

using std::chrono::milliseconds;

TEST(RedlockValidity, QuorumAndTimeLeftAreBothRequired) {
  const Clock::time_point t0{};
  const milliseconds ttl{10000};
  EXPECT_EQ(DriftFor(ttl), milliseconds(102));  // 1% + 2 ms, as the reference clients
  // 3 of 5 within 100 ms: valid until t0 + ttl - drift.
  EXPECT_EQ(ValidityEnd(3, 5, t0, t0 + milliseconds(100), ttl), t0 + milliseconds(9898));
  EXPECT_FALSE(ValidityEnd(2, 5, t0, t0 + milliseconds(1), ttl));  // no majority
  EXPECT_TRUE(ValidityEnd(2, 3, t0, t0 + milliseconds(1), ttl));   // 2 of 3 is one
  EXPECT_TRUE(ValidityEnd(3, 4, t0, t0 + milliseconds(1), ttl));
  EXPECT_FALSE(ValidityEnd(2, 4, t0, t0 + milliseconds(1), ttl));  // 4 nodes need 3
  // All five, but the round took longer than TTL - drift: nothing left.
  EXPECT_FALSE(ValidityEnd(5, 5, t0, t0 + milliseconds(9898), ttl));
  EXPECT_TRUE(ValidityEnd(5, 5, t0, t0 + milliseconds(9897), ttl));
}

TEST(RedlockToken, FortyHexCharactersAndNeverRepeated) {
  const std::string a = RandomToken(), b = RandomToken();
  EXPECT_EQ(a.size(), 40u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

TEST(NodeList, CommaAndFileForms) {
  auto nodes = ParseNodeList("127.0.0.1:7001, node2.lan:6379,[::1]:7003", ',');
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0].Text(), "127.0.0.1:7001");
  EXPECT_EQ(nodes[1].host, "node2.lan");
  EXPECT_EQ(nodes[2].host, "::1");
  EXPECT_EQ(nodes[2].port, 7003);
  nodes = ParseNodeList("# five nodes\n127.0.0.1:7001\n\n127.0.0.1:7002  # second\n", '\n');
  EXPECT_EQ(nodes.size(), 2u);
  for (const char* bad : {"host", "host:", ":6379", "host:0", "host:70000", "host:12a"}) {
    EXPECT_THROW(ParseNodeList(bad, ','), std::invalid_argument) << bad;
  }
}

ParsedCommandLine Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "lock");
  std::vector<char*> argv;
  argv.reserve(args.size());
  for (auto& a : args) argv.push_back(a.data());
  return ParseLockCommandLine(static_cast<int>(argv.size()), argv.data());
}

TEST(LockCommandLine, EverythingAfterDashDashIsTheCommand) {
  ::unsetenv("LOCKNODE_PASSWORD");
  auto p = Parse({"--nodes", "a:1,b:2,c:3", "--ttl", "3000", "job", "--", "sh", "-c", "x", "--"});
  ASSERT_TRUE(p.options) << p.message;
  EXPECT_EQ(p.options->name, "job");
  EXPECT_EQ(p.options->command, (std::vector<std::string>{"sh", "-c", "x", "--"}));
  EXPECT_EQ(p.options->extend_every, milliseconds(1000));  // TTL/3
  EXPECT_EQ(p.options->wait, milliseconds(0));
  EXPECT_EQ(p.options->password, "");
}

TEST(LockCommandLine, PasswordFromTheEnvironmentNeverFromAnArgument) {
  ::setenv("LOCKNODE_PASSWORD", "from-env", 1);
  auto p = Parse({"--nodes", "a:1", "job", "--", "true"});
  ASSERT_TRUE(p.options) << p.message;
  EXPECT_EQ(p.options->password, "from-env");
  ::unsetenv("LOCKNODE_PASSWORD");
  EXPECT_EQ(Parse({"--nodes", "a:1", "--password", "x", "job", "--", "true"}).exit_code,
            kExitUsage);
  EXPECT_EQ(
      Parse({"--nodes", "a:1", "--password-env", "UNSET_VAR_X", "job", "--", "true"}).exit_code,
      kExitUsage);
}

TEST(LockCommandLine, UsageErrors) {
  EXPECT_EQ(Parse({"--nodes", "a:1", "job"}).exit_code, kExitUsage);  // no -- CMD
  EXPECT_EQ(Parse({"job", "--", "true"}).exit_code, kExitUsage);      // no nodes
  EXPECT_EQ(Parse({"--nodes", "a:1", "--ttl", "50", "j", "--", "t"}).exit_code, kExitUsage);
  EXPECT_EQ(Parse({"--nodes", "a:1", "--node-timeout", "20000", "j", "--", "t"}).exit_code,
            kExitUsage);
  EXPECT_EQ(Parse({"--nodes", "a:1", "--nodes-file", "f", "j", "--", "t"}).exit_code, kExitUsage);
  EXPECT_EQ(Parse({"--nodes", "nope", "j", "--", "t"}).exit_code, kExitUsage);
  const auto help = Parse({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.message.find("Exit codes"), std::string::npos);
}

}  // namespace
}  // namespace locknode::lockcli

// The option table as a user meets it: --dump-config and CONFIG GET * list the same options with
// the same values (issue: io-uring was missing from both), and a dump read back with --config
// gives the same configuration, so the config file accepts every option the dump prints.
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "integration/server_fixture.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

using Options = std::map<std::string, std::string>;

std::string Dump(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {LocknodeBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--dump-config");
  const ToolResult result = RunTool(argv, std::chrono::seconds(10));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  return result.output;
}

// name -> value of the `name = value` lines (quotes removed); "# (fixed) name = value" too.
Options ParseDump(const std::string& dump) {
  Options options;
  std::istringstream lines(dump);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# (fixed) ", 0) == 0) line = line.substr(10);
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 3);
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    EXPECT_TRUE(options.emplace(line.substr(0, eq), value).second) << "twice: " << line;
  }
  return options;
}

// A RESP2 flat array of bulk strings (CONFIG GET's reply) as name -> value.
Options ParseConfigGet(const std::string& reply) {
  Options options;
  size_t at = reply.find("\r\n") + 2;
  std::vector<std::string> items;
  while (at < reply.size()) {
    const size_t eol = reply.find("\r\n", at);
    const size_t len = std::stoul(reply.substr(at + 1, eol - at - 1));
    items.push_back(reply.substr(eol + 2, len));
    at = eol + 2 + len + 2;
  }
  for (size_t i = 0; i + 1 < items.size(); i += 2) options.emplace(items[i], items[i + 1]);
  EXPECT_EQ(options.size() * 2, items.size()) << EscapeBytes(reply);
  return options;
}

TEST(ConfigTest, DumpConfigAndConfigGetListTheSameOptionsAndValues) {
  const std::vector<std::string> args = {"--io-uring",
                                         "no",
                                         "--maxmemory",
                                         "3mb",
                                         "--loglevel",
                                         "warning",
                                         "--max-ttl",
                                         "60000",
                                         "--client-output-buffer-limit",
                                         "normal 1mb 512kb 5"};
  const Options dumped = ParseDump(Dump(args));
  auto server = StartOrFail(args);
  ASSERT_NE(server, nullptr);
  RespClient c(server->port());
  Options got = ParseConfigGet(c.Call({"CONFIG", "GET", "*"}));
  // The harness starts on --port 0 with a port file; CONFIG GET reports the bound port.
  EXPECT_EQ(got["port"], std::to_string(server->port()));
  got.erase("port");
  got.erase("port-file");
  Options expected = dumped;
  expected.erase("port");
  expected.erase("port-file");
  EXPECT_EQ(got, expected);
  EXPECT_EQ(dumped.at("io-uring"), "no");
  EXPECT_EQ(dumped.at("maxmemory"), "3145728");
  EXPECT_EQ(dumped.at("loglevel"), "warning");
  EXPECT_EQ(dumped.at("client-output-buffer-limit"),
            "normal 1048576 524288 5 pubsub 33554432 8388608 60");
  EXPECT_EQ(c.Call({"CONFIG", "GET", "io-uring"}), "*2\r\n$8\r\nio-uring\r\n$2\r\nno\r\n");
  EXPECT_EQ(c.Call({"CONFIG", "SET", "io-uring", "yes"}),
            "-ERR CONFIG SET failed (possibly related to argument 'io-uring') - can't set "
            "immutable config\r\n");
}

TEST(ConfigTest, ADumpReadBackWithConfigGivesTheSameConfiguration) {
  const std::string dump = Dump({"--io-uring", "no", "--timeout", "7", "--requirepass", "pw",
                                 "--tls-auth-clients", "optional", "--lua-memory-limit", "1mb",
                                 "--port-file", "/tmp/locknode-config-test.port"});
  char path[] = "/tmp/locknode-dump-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << dump;
  const std::string again = Dump({"--config", path});
  std::remove(path);
  // Identical but for the "# loaded from" line.
  EXPECT_EQ(ParseDump(again), ParseDump(dump)) << again;
  EXPECT_NE(again.find("# loaded from "), std::string::npos);
  EXPECT_NE(dump.find("\nio-uring = \"no\"\n"), std::string::npos) << dump;
  EXPECT_NE(dump.find("\n# (fixed) databases = 1\n"), std::string::npos) << dump;
}

}  // namespace
}  // namespace locknode::test

// redis-benchmark's default tests of the collection families (lists, sets, sorted sets) run to
// the end against the real binary without an error. (Its whole default list also needs INCR and
// HSET, from the string and hash families.)
#include <chrono>
#include <string>

#include "integration/server_fixture.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

// A Debug build on two busy cores: a few thousand requests per test can take a while.
constexpr std::chrono::milliseconds kBenchmarkTimeout{300000};

class CollectionsBenchmarkTest : public SharedServerTest {};

TEST_F(CollectionsBenchmarkTest, DefaultCollectionTests) {
  LOCKNODE_REQUIRE_TOOL("redis-benchmark");
  ToolResult r = RunTool({"redis-benchmark", "-p", std::to_string(port()), "-n", "2000", "-q", "-t",
                          "lpush,rpush,lpop,rpop,sadd,spop,zadd,zpopmin,lrange"},
                         kBenchmarkTimeout);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("Error"), std::string::npos) << r.output;
  for (const char* test : {"LPUSH", "RPUSH", "LPOP", "RPOP", "SADD", "SPOP", "ZADD", "ZPOPMIN",
                           "LRANGE_100", "LRANGE_600"}) {
    EXPECT_NE(r.output.find(test), std::string::npos) << test << r.output;
  }
}

}  // namespace
}  // namespace locknode::test

// maxclients fitted to RLIMIT_NOFILE at startup (Redis adjustOpenFilesLimit): the soft limit
// is raised when the hard one allows, else maxclients is lowered, and INFO / CONFIG GET report
// the effective value. The server inherits the limits this test process sets before starting it.
#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

#include "integration/server_fixture.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

// The soft and hard RLIMIT_NOFILE of this process, restored when the test ends.
class FileLimitTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved_), 0); }
  void TearDown() override { setrlimit(RLIMIT_NOFILE, &saved_); }
  rlimit saved_{};
};

// "Max open files  <soft>  <hard>  files" of /proc/<pid>/limits: the soft limit.
long long SoftFileLimitOf(int pid) {
  std::ifstream limits("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(limits, line)) {
    if (line.rfind("Max open files", 0) == 0) return std::atoll(line.c_str() + 14);
  }
  return -1;
}

TEST_F(FileLimitTest, RaisesTheSoftLimitForMaxclients) {
  if (saved_.rlim_max != RLIM_INFINITY && saved_.rlim_max < 1100) {
    GTEST_SKIP() << "\n*** SKIPPED: hard open-file limit below 1100 ***";
  }
  const rlimit low_soft = {200, saved_.rlim_max};
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low_soft), 0);  // the server inherits it
  auto server = StartOrFail({"--maxclients", "1000"});
  setrlimit(RLIMIT_NOFILE, &saved_);
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(SoftFileLimitOf(server->pid()), 1000 + 4 + 32);
  RespClient client(server->port());
  EXPECT_EQ(client.Call({"CONFIG", "GET", "maxclients"}),
            "*2\r\n$10\r\nmaxclients\r\n$4\r\n1000\r\n");
}

TEST_F(FileLimitTest, LowersMaxclientsWhenTheLimitCannotBeRaised) {
  // Lowering the hard limit is only undoable with CAP_SYS_RESOURCE (TearDown restores it).
  if (geteuid() != 0) GTEST_SKIP() << "\n*** SKIPPED: needs root to restore the hard limit ***";
  const rlimit low = {200, 200};
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  auto server = StartOrFail({"--maxclients", "1000"});
  setrlimit(RLIMIT_NOFILE, &saved_);
  ASSERT_NE(server, nullptr);
  // 200 descriptors - 32 for the server itself - 4 loopback reserve.
  RespClient client(server->port());
  EXPECT_EQ(client.Call({"CONFIG", "GET", "maxclients"}),
            "*2\r\n$10\r\nmaxclients\r\n$3\r\n164\r\n");
  EXPECT_EQ(InfoField(client.Call({"INFO", "clients"}), "maxclients"), 164);
  EXPECT_NE(server->Log().find("maxclients lowered to 164"), std::string::npos) << server->Log();
}

TEST_F(FileLimitTest, RefusesToStartWhenNoClientFits) {
  if (geteuid() != 0) GTEST_SKIP() << "\n*** SKIPPED: needs root to restore the hard limit ***";
  const rlimit tiny = {36, 36};  // 32 reserved + 4 loopback reserve: no room for one client
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tiny), 0);
  StartResult started = ServerProcess::StartLocknode({"--maxclients", "10"});
  setrlimit(RLIMIT_NOFILE, &saved_);
  EXPECT_EQ(started.server, nullptr);
  EXPECT_NE(started.error.find("open-file limit"), std::string::npos) << started.error;
}

}  // namespace
}  // namespace locknode::test

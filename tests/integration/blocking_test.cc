// Blocked clients against the real binary: a blocked client is not an idle one (the `timeout`
// sweep leaves it alone, as Redis's clientsCron does), a closed blocked client stops counting in
// INFO and is never served, a fractional timeout answers on time, and a blocked client's
// pipeline runs after it is woken. The reply bytes themselves are compared with redis-server in
// tests/compat/diff/blocking_diff_test.cc.
#include <chrono>
#include <string>
#include <thread>

#include "integration/server_fixture.h"
#include "support/resp_client.h"

namespace locknode::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

long long BlockedClients(RespClient& admin) {
  return InfoField(admin.Call({"INFO", "clients"}), "blocked_clients");
}

bool AwaitBlocked(RespClient& admin, long long want) {
  for (int i = 0; i < 2000; ++i) {
    if (BlockedClients(admin) == want) return true;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return false;
}

TEST(BlockingIntegrationTest, BlockedClientOutlivesTheIdleTimeout) {
  auto server = StartOrFail({"--timeout", "1"});
  ASSERT_NE(server, nullptr);
  RespClient waiter(server->port());
  ASSERT_TRUE(waiter.Send(EncodeCommand({"BLPOP", "idle:q", "0"})));
  {
    RespClient admin(server->port());
    ASSERT_TRUE(AwaitBlocked(admin, 1));
  }
  // Idle for more than `timeout` (1 s) and at least two sweeps (once a second); a client that is
  // merely idle is closed meanwhile (the control).
  RespClient idle(server->port());
  std::this_thread::sleep_for(milliseconds(2500));
  EXPECT_TRUE(idle.WaitForClose(milliseconds(100)));
  RespClient admin(server->port());
  EXPECT_EQ(admin.Call({"RPUSH", "idle:q", "x"}), ":1\r\n");
  EXPECT_EQ(waiter.Read().bytes, "*2\r\n$6\r\nidle:q\r\n$1\r\nx\r\n");
}

class BlockingSharedTest : public SharedServerTest {};

TEST_F(BlockingSharedTest, ClosedWaiterIsForgotten) {
  RespClient admin(port());
  {
    RespClient gone(port());
    ASSERT_TRUE(gone.Send(EncodeCommand({"BLPOP", "close:q", "0"})));
    ASSERT_TRUE(AwaitBlocked(admin, 1));
  }
  EXPECT_TRUE(AwaitBlocked(admin, 0));
  EXPECT_EQ(admin.Call({"RPUSH", "close:q", "x"}), ":1\r\n");
  EXPECT_EQ(admin.Call({"LLEN", "close:q"}), ":1\r\n");  // nobody took it
}

TEST_F(BlockingSharedTest, FractionalTimeoutAnswersOnTime) {
  RespClient waiter(port());
  const auto start = Clock::now();
  EXPECT_EQ(waiter.Call({"BZPOPMIN", "timeout:z", "0.2"}), "*-1\r\n");
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
  EXPECT_GE(took, 195);
  EXPECT_LT(took, 2000);
}

TEST_F(BlockingSharedTest, PipelineRunsAfterTheWakeUp) {
  RespClient waiter(port());
  ASSERT_TRUE(waiter.Send(EncodeCommand({"BLPOP", "pipe:q", "0"}) +
                          EncodeCommand({"GET", "pipe:k"}) + EncodeCommand({"PING"})));
  RespClient admin(port());
  ASSERT_TRUE(AwaitBlocked(admin, 1));
  EXPECT_EQ(admin.Call({"SET", "pipe:k", "after"}), "+OK\r\n");
  EXPECT_EQ(admin.Call({"LPUSH", "pipe:q", "v"}), ":1\r\n");
  EXPECT_EQ(waiter.Read().bytes, "*2\r\n$6\r\npipe:q\r\n$1\r\nv\r\n");
  EXPECT_EQ(waiter.Read().bytes, "$5\r\nafter\r\n");  // ran after the wake-up, not before
  EXPECT_EQ(waiter.Read().bytes, "+PONG\r\n");
}

}  // namespace
}  // namespace locknode::test

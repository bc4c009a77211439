// Transactions against the real binary: a queued transaction counts against the client's
// query-buffer limit (locknode's rule: MULTI cannot park unbounded memory on a lock node), and
// the pipelined MULTI ... EXEC of one write runs nothing before EXEC.
#include <chrono>
#include <string>

#include "integration/server_fixture.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

using std::chrono::seconds;

TEST(TransactionLimitsTest, QueuedTransactionCountsAgainstQueryBufferLimit) {
  auto server = StartOrFail({"--client-query-buffer-limit", "1mb"});
  ASSERT_NE(server, nullptr);
  RespClient admin(server->port());
  RespClient c(server->port());
  ASSERT_EQ(c.Call({"MULTI"}), "+OK\r\n");
  const std::string value(200 * 1024, 'v');
  // Each SET is well under the limit on its own; together the queue passes 1 MiB.
  int queued = 0;
  for (; queued < 10; ++queued) {
    const std::string reply = c.Call({"SET", "k" + std::to_string(queued), value});
    if (reply != "+QUEUED\r\n") break;
  }
  EXPECT_LT(queued, 10) << "the queue grew past the query-buffer limit";
  EXPECT_TRUE(c.WaitForClose(seconds(10)));
  EXPECT_EQ(InfoField(admin.Call({"INFO", "stats"}), "client_query_buffer_limit_disconnections"),
            1);
  EXPECT_EQ(admin.Call({"DBSIZE"}), ":0\r\n");  // nothing queued ever ran
  // Under the limit a transaction of the same shape runs.
  RespClient ok(server->port());
  ASSERT_EQ(ok.Call({"MULTI"}), "+OK\r\n");
  ASSERT_EQ(ok.Call({"SET", "k", value}), "+QUEUED\r\n");
  EXPECT_EQ(ok.Call({"EXEC"}), "*1\r\n+OK\r\n");
}

}  // namespace
}  // namespace locknode::test

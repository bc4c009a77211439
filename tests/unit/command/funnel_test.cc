// The command funnel's session-mode hooks (MULTI queuing, the RESP2 subscribed context) and the
// shape of the table it walks. The tests move the client through ClientState's transitions
// directly and stand in for MULTI's queue (MULTI itself: multi_cmds_test.cc; SUBSCRIBE: issue 17).
#include <string>
#include <string_view>
#include <vector>

#include "locknode/command/command_table.h"

#include "command_fixture.h"

namespace locknode::command {
namespace {

// Records what the funnel hands to a transaction queue.
class RecordingQueue final : public CommandQueue {
 public:
  void Queue(const CommandSpec& cmd, std::span<const std::string_view> args,
             protocol::ReplySink& reply) override {
    queued.emplace_back(cmd.name);
    queued_argc.push_back(args.size());
    reply.Simple("QUEUED");
  }
  void MarkFailed() override { ++failed; }

  std::vector<std::string> queued;
  std::vector<size_t> queued_argc;
  int failed = 0;
};

class FunnelTest : public CommandTest {
 protected:
  void StartQueuing() { ASSERT_TRUE(client_.EnterMode(SessionMode::kQueuing, &queue_)); }
  RecordingQueue queue_;
};

TEST_F(FunnelTest, QueuingHandsCheckedCommandsToTheQueueWithoutRunningThem) {
  StartQueuing();
  const uint64_t before = shard_.stats().commands_processed;
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "1000"}), "+QUEUED\r\n");
  EXPECT_EQ(Run({"client", "setname", "x"}), "+QUEUED\r\n");
  EXPECT_EQ(queue_.queued, (std::vector<std::string>{"set", "setname"}));
  EXPECT_EQ(queue_.queued_argc, (std::vector<size_t>{5, 3}));
  EXPECT_EQ(shard_.stats().commands_processed, before);  // counted when EXEC runs them
  ASSERT_TRUE(client_.EnterMode(SessionMode::kNormal));
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(queue_.failed, 0);
}

TEST_F(FunnelTest, RefusalsWhileQueuingFailTheTransaction) {
  StartQueuing();
  EXPECT_EQ(Run({"NOSUCH"}), "-ERR unknown command 'NOSUCH', with args beginning with: \r\n");
  EXPECT_EQ(Run({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(Run({"CLIENT", "nosuch"}), "-ERR unknown subcommand 'nosuch'. Try CLIENT HELP.\r\n");
  // Redis CMD_NO_MULTI, checked right after auth.
  EXPECT_EQ(Run({"SHUTDOWN"}), "-ERR Command not allowed inside a transaction\r\n");
  EXPECT_EQ(queue_.failed, 4);
  EXPECT_TRUE(queue_.queued.empty());
}

TEST_F(FunnelTest, QuitAndResetRunAtOnceWhileQueuing) {
  StartQueuing();
  EXPECT_EQ(Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(Run({"QUIT"}), "+OK\r\n");
  EXPECT_TRUE(client_.close_after_reply());
  EXPECT_TRUE(queue_.queued.empty());
}

TEST_F(FunnelTest, Resp2SubscribedContextAllowsOnlyItsCommands) {
  client_.set_subscriptions(1);
  EXPECT_EQ(Run({"GET", "k"}),
            "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context\r\n");
  EXPECT_EQ(Run({"CLIENT", "ID"}).substr(0, 34), "-ERR Can't execute 'client|id': on");
  // PING runs, in its subscribed form (Redis pingCommand: ["pong", message]).
  EXPECT_EQ(Run({"PING"}), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  // Errors that come before the context check keep their own text (Redis's order).
  EXPECT_EQ(Run({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  // RESP3 has no subscribed context: every command runs.
  client_.SetProtocol(3);
  EXPECT_EQ(Run({"GET", "k"}), "_\r\n");
}

TEST_F(FunnelTest, ScriptsAndClientsShareLookupAndArity) {
  // redis.call reaches subcommand rows through the same lookup, with scriptCall's texts.
  EXPECT_EQ(Run({"EVAL", "return redis.pcall('client', 'nosuch')['err']", "0"}),
            "$44\r\nERR Unknown Redis command called from script\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.pcall('config', 'get')['err']", "0"}),
            "$58\r\nERR Wrong number of args calling Redis command from script\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.pcall('client', 'id')['err']", "0"}),
            "$49\r\nERR This Redis command is not allowed from script\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('command', 'count')", "0"}).substr(0, 1), ":");
}

// Every row the funnel can reach has a handler, except containers whose arity demands a
// subcommand; subcommands are one level deep; flags the funnel keys on are where Redis has them.
TEST_F(FunnelTest, EveryReachableRowHasAHandler) {
  for (const CommandSpec& row : shard_.table().all()) {
    if (row.handler == nullptr) {
      EXPECT_FALSE(row.subcommands.empty()) << row.name;
      EXPECT_LE(row.arity, -2) << row.name;
    }
    for (const CommandSpec& sub : row.subcommands) {
      EXPECT_NE(sub.handler, nullptr) << row.name << "|" << sub.name;
      EXPECT_TRUE(sub.subcommands.empty()) << row.name << "|" << sub.name;
    }
  }
  EXPECT_EQ(Run({"CLIENT"}), "-ERR wrong number of arguments for 'client' command\r\n");
  EXPECT_EQ(Run({"SCRIPT"}), "-ERR wrong number of arguments for 'script' command\r\n");
  EXPECT_EQ(Run({"CONFIG"}), "-ERR wrong number of arguments for 'config' command\r\n");
  EXPECT_EQ(Run({"COMMAND"}).substr(0, 1), "*");
}

}  // namespace
}  // namespace locknode::command

// MULTI/EXEC/DISCARD/WATCH/UNWATCH in process: several clients on one shard under a ManualClock,
// so WATCH invalidation by other clients, expiry and flushes is exact. Reply bytes are Redis
// 7.0.15's (the differential suite compares them with the real server).
#include <string>
#include <string_view>
#include <vector>

#include "locknode/command/transactions.h"

#include "command_fixture.h"

namespace locknode::command {
namespace {

class MultiTest : public CommandTest {
 protected:
  MultiTest() {
    other_.id = 2;
    client_.id = 1;
  }
  explicit MultiTest(Config config) : CommandTest(std::move(config)) {
    other_.id = 2;
    client_.id = 1;
  }

  // A command from a second client (another connection).
  std::string Other(std::initializer_list<std::string_view> args) {
    std::vector<std::string_view> v(args);
    protocol::OutBuffer out;
    protocol::RespWriter writer(&out);
    writer.set_resp_version(other_.resp_version());
    dispatcher_.Execute(ArgList(v.data(), v.size()), other_, writer);
    return std::string(out.view());
  }
  bool Observed() { return shard_.key_events().active(); }

  ClientState other_;
};

TEST_F(MultiTest, QueuesThenRunsInOrder) {
  EXPECT_EQ(Run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(Run({"SET", "k", "v"}), "+QUEUED\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "+QUEUED\r\n");
  EXPECT_EQ(Run({"DEL", "j"}), "+QUEUED\r\n");
  // Nothing queued has run: another client sees no key.
  EXPECT_EQ(Other({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(Run({"EXEC"}), "*3\r\n+OK\r\n$1\r\nv\r\n:0\r\n");
  EXPECT_EQ(Other({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(client_.mode(), SessionMode::kNormal);
}

TEST_F(MultiTest, EmptyTransactionAndRuntimeErrorsArePerCommand) {
  EXPECT_EQ(Run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(Run({"EXEC"}), "*0\r\n");
  Run({"SET", "s", "x"});
  Run({"MULTI"});
  Run({"PEXPIRE", "s", "abc"});  // only fails when it runs
  Run({"GET", "s"});
  EXPECT_EQ(Run({"EXEC"}), "*2\r\n-ERR value is not an integer or out of range\r\n$1\r\nx\r\n");
}

TEST_F(MultiTest, QueueTimeErrorsAbortExec) {
  Run({"MULTI"});
  EXPECT_EQ(Run({"SET", "k"}), "-ERR wrong number of arguments for 'set' command\r\n");
  EXPECT_EQ(Run({"SET", "k", "v"}), "+QUEUED\r\n");
  EXPECT_EQ(Run({"EXEC"}), "-EXECABORT Transaction discarded because of previous errors.\r\n");
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
}

TEST_F(MultiTest, RefusedExecAbortsInsideMultiOrNot) {
  // Redis rejectCommand -> execCommandAbort, whether or not the client is in MULTI.
  const std::string abort =
      "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
      "command\r\n";
  EXPECT_EQ(Run({"EXEC", "x"}), abort);
  Run({"MULTI"});
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"exec", "x"}), abort);
  EXPECT_EQ(client_.mode(), SessionMode::kNormal);
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");
}

TEST_F(MultiTest, NestingAndMisplacedCommands) {
  EXPECT_EQ(Run({"DISCARD"}), "-ERR DISCARD without MULTI\r\n");
  EXPECT_EQ(Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
  Run({"MULTI"});
  EXPECT_EQ(Run({"MULTI"}), "-ERR MULTI calls can not be nested\r\n");
  EXPECT_EQ(Run({"WATCH", "k"}), "-ERR WATCH inside MULTI is not allowed\r\n");
  EXPECT_EQ(Run({"UNWATCH"}), "+QUEUED\r\n");
  // Neither refusal dooms the transaction (they are replies of commands that ran).
  EXPECT_EQ(Run({"EXEC"}), "*1\r\n+OK\r\n");
}

TEST_F(MultiTest, DiscardDropsQueueAndWatches) {
  Run({"WATCH", "k"});
  Run({"MULTI"});
  Run({"SET", "k", "1"});
  EXPECT_EQ(Run({"DISCARD"}), "+OK\r\n");
  EXPECT_FALSE(Observed());  // no watcher left: the keyspace has no observer
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");
  Other({"SET", "k", "x"});  // no longer watched
  Run({"MULTI"});
  Run({"GET", "k"});
  EXPECT_EQ(Run({"EXEC"}), "*1\r\n$1\r\nx\r\n");
}

TEST_F(MultiTest, WatchedKeyWrittenByAnotherClientFailsExec) {
  Run({"SET", "k", "1"});
  EXPECT_EQ(Run({"WATCH", "k"}), "+OK\r\n");
  EXPECT_TRUE(Observed());
  EXPECT_EQ(Other({"SET", "k", "2"}), "+OK\r\n");
  EXPECT_FALSE(Observed());  // the dirty client's watches were dropped at once
  Run({"MULTI"});
  Run({"DEL", "k"});
  EXPECT_EQ(Run({"EXEC"}), "*-1\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$1\r\n2\r\n");
  client_.SetProtocol(3);
  Run({"WATCH", "k"});
  Other({"DEL", "k"});
  Run({"MULTI"});
  EXPECT_EQ(Run({"EXEC"}), "_\r\n");  // RESP3 null
}

TEST_F(MultiTest, UnchangedWatchedKeyLetsExecRun) {
  Run({"SET", "k", "tok"});
  Run({"WATCH", "k", "absent"});
  Other({"GET", "k"});       // reads change nothing
  Other({"DEL", "absent"});  // deleting nothing changes nothing
  Other({"SET", "absent", "v", "XX"});
  Run({"MULTI"});
  Run({"DEL", "k"});
  EXPECT_EQ(Run({"EXEC"}), "*1\r\n:1\r\n");
  EXPECT_FALSE(Observed());  // EXEC unwatches
}

TEST_F(MultiTest, DeadlineChangesAndOwnWritesDirtyToo) {
  Run({"SET", "k", "v"});
  Run({"WATCH", "k"});
  Other({"PEXPIRE", "k", "100000"});
  Run({"MULTI"});
  EXPECT_EQ(Run({"EXEC"}), "*-1\r\n");
  // The watching client's own write before MULTI counts as well (Redis touches every watcher).
  Run({"WATCH", "k"});
  Run({"SET", "k", "w"});
  Run({"MULTI"});
  EXPECT_EQ(Run({"EXEC"}), "*-1\r\n");
}

TEST_F(MultiTest, WatchedKeyExpiringBeforeExecCountsAsChanged) {
  Run({"SET", "k", "v", "PX", "100"});
  Run({"WATCH", "k"});
  AdvanceTime(101);  // expired, still stored: nobody touched it
  Run({"MULTI"});
  Run({"SET", "k2", "x"});
  EXPECT_EQ(Run({"EXEC"}), "*-1\r\n");
  EXPECT_EQ(Run({"EXISTS", "k2"}), ":0\r\n");
}

TEST_F(MultiTest, WatchingAnAlreadyExpiredKeyIsNoChange) {
  // Redis 7.0 watchForKey records `expired`; its deletion afterwards is no logical change.
  Run({"SET", "k", "v", "PX", "100"});
  AdvanceTime(101);
  Run({"WATCH", "k"});
  EXPECT_EQ(Other({"GET", "k"}), "$-1\r\n");
  Run({"MULTI"});
  Run({"PING"});
  EXPECT_EQ(Run({"EXEC"}), "*1\r\n+PONG\r\n");
}

TEST_F(MultiTest, WheelExpiryOfWatchedKeyDirties) {
  Run({"SET", "k", "v", "PX", "10"});
  Run({"WATCH", "k"});
  AdvanceTime(50);
  shard_.keyspace().ExpireDue(clock_.NowMs(), 100);
  Run({"MULTI"});
  EXPECT_EQ(Run({"EXEC"}), "*-1\r\n");
}

TEST_F(MultiTest, FlushDirtiesOnlyWatchersOfExistingKeys) {
  Run({"SET", "k", "v"});
  Run({"WATCH", "absent"});
  Other({"WATCH", "k"});
  Other({"FLUSHALL"});  // its own flush too
  Run({"MULTI"});
  EXPECT_EQ(Run({"EXEC"}), "*0\r\n");
  Other({"MULTI"});
  EXPECT_EQ(Other({"EXEC"}), "*-1\r\n");
}

TEST_F(MultiTest, UnwatchClearsDirtyAndWatchOnDirtyClientIsNoop) {
  Run({"WATCH", "k"});
  Other({"SET", "k", "1"});
  EXPECT_EQ(Run({"WATCH", "k2"}), "+OK\r\n");  // already dirty: nothing watched
  EXPECT_FALSE(Observed());
  EXPECT_EQ(Run({"UNWATCH"}), "+OK\r\n");
  Run({"MULTI"});
  EXPECT_EQ(Run({"EXEC"}), "*0\r\n");
}

TEST_F(MultiTest, ScriptWritesDirtyAndTransactionsAreNoscript) {
  Run({"SET", "k", "v"});
  Run({"WATCH", "k"});
  Other({"EVAL", "return redis.call('set', KEYS[1], 'z')", "1", "k"});
  Run({"MULTI"});
  EXPECT_EQ(Run({"EXEC"}), "*-1\r\n");
  EXPECT_EQ(Run({"EVAL", "return redis.call('multi')", "0"}).substr(0, 58),
            "-ERR This Redis command is not allowed from script script:");
}

TEST_F(MultiTest, ResetAndCloseDropEverything) {
  Run({"WATCH", "k"});
  Run({"MULTI"});
  Run({"SET", "k", "v"});
  EXPECT_GT(dispatcher_.ClientMemory(client_), 0u);
  EXPECT_EQ(Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(client_.mode(), SessionMode::kNormal);
  EXPECT_FALSE(Observed());
  EXPECT_EQ(Run({"EXEC"}), "-ERR EXEC without MULTI\r\n");
  Other({"WATCH", "k"});
  EXPECT_TRUE(Observed());
  dispatcher_.ClientClosed(other_);
  EXPECT_FALSE(Observed());
  EXPECT_EQ(shard_.transactions().Find(other_.id), nullptr);
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");
}

TEST_F(MultiTest, QueuedBytesCountAsClientMemory) {
  Run({"MULTI"});
  const size_t before = dispatcher_.ClientMemory(client_);
  const std::string big(10000, 'x');
  Run({"SET", "k", big});
  EXPECT_GE(dispatcher_.ClientMemory(client_), before + big.size());
  Run({"DISCARD"});
}

TEST_F(MultiTest, DoomedTransactionKeepsNothing) {
  Run({"MULTI"});
  Run({"NOSUCH"});
  const size_t before = dispatcher_.ClientMemory(client_);
  EXPECT_EQ(Run({"SET", "k", std::string(10000, 'x')}), "+QUEUED\r\n");
  EXPECT_EQ(dispatcher_.ClientMemory(client_), before);
  Run({"EXEC"});
}

TEST_F(MultiTest, ExecRunsUnderOneTimeSnapshot) {
  // A queued command sees the keyspace as of EXEC: a key expiring between queuing and EXEC
  // is gone for all of them, and no wheel run can fall between two of them.
  Run({"SET", "k", "v", "PX", "100"});
  Run({"MULTI"});
  Run({"GET", "k"});
  Run({"PTTL", "k"});
  AdvanceTime(50);
  EXPECT_EQ(Run({"EXEC"}), "*2\r\n$1\r\nv\r\n:50\r\n");
}

class MultiOomTest : public MultiTest {
 protected:
  MultiOomTest() : MultiTest(OomConfig()) {}
  static Config OomConfig() {
    Config c;
    c.maxmemory = 100000;
    return c;
  }
  // Puts the node past maxmemory (nothing is evicted).
  void Fill() {
    shard_.keyspace().Set("big", std::string(200000, 'x'), keyspace::SetCond::kAlways,
                          keyspace::TtlMode::kClear, 0, clock_.NowMs());
  }
};

TEST_F(MultiOomTest, QueuingPastMaxmemoryRefusesEveryCommand) {
  Fill();
  EXPECT_EQ(Run({"MULTI"}), "+OK\r\n");  // not inside MULTI yet
  const std::string oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
  EXPECT_EQ(Run({"GET", "big"}), oom);  // even a read: queuing takes memory
  EXPECT_EQ(Run({"MULTI"}), oom);
  EXPECT_EQ(Run({"EXEC"}), "-EXECABORT Transaction discarded because of previous errors.\r\n");
}

TEST_F(MultiOomTest, ExecWithDenyoomCommandIsAbortedPastMaxmemory) {
  Run({"MULTI"});
  Run({"SET", "k", "v"});  // queued while under maxmemory
  Fill();
  EXPECT_EQ(Run({"EXEC"}),
            "-EXECABORT Transaction discarded because of: OOM command not allowed when used "
            "memory > 'maxmemory'.\r\n");
  EXPECT_EQ(client_.mode(), SessionMode::kNormal);
  // Without a denyoom command queued, EXEC runs.
  Run({"MULTI"});
  EXPECT_EQ(Run({"EXEC"}), "*0\r\n");
}

}  // namespace
}  // namespace locknode::command

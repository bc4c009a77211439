// The blocking pops in process: a waiter is registered without a reply, the command that pushes
// serves waiters FIFO through their push sinks and returns them to kNormal, the timeout asks the
// session for a deadline, a closed client is forgotten, and the keyspace observer is installed
// only while someone waits (the lock path's guarantee).
#include "locknode/command/blocking.h"

#include <string>

#include <gtest/gtest.h>

#include "locknode/protocol/out_buffer.h"
#include "locknode/protocol/resp_writer.h"

#include "command_fixture.h"

namespace locknode::command {
namespace {

// A session stand-in that records what the command layer asked of it.
class FakeSession final : public SessionSignals {
 public:
  void ProtocolChanged(int v) override { writer.set_resp_version(v); }
  void AuthChanged(bool /*a*/) override {}
  void CloseAfterReply() override {}
  void ModeChanged(SessionMode from, SessionMode to) override {
    if (from == SessionMode::kBlocked && to == SessionMode::kNormal) ++resumes;
  }
  protocol::ReplySink& PushSink() override { return writer; }
  void PushWritten() override { ++pushes; }
  void BlockDeadline(Millis at) override { deadline = at; }
  std::string Take() {
    std::string s(out.view());
    out.Clear();
    return s;
  }
  protocol::OutBuffer out;
  protocol::RespWriter writer{&out};
  int pushes = 0;
  int resumes = 0;
  Millis deadline = -1;
};

class BlockingTest : public CommandTest {
 protected:
  BlockingTest() {
    for (int i = 0; i < 3; ++i) {
      waiters_[i].id = 100 + static_cast<uint64_t>(i);
      waiters_[i].set_signals(&sessions_[i]);
    }
  }
  // Runs a command as waiter i (its reply, if any, goes to its own writer).
  void RunAs(int i, const std::vector<std::string_view>& args) {
    dispatcher_.Execute(ArgList(args.data(), args.size()), waiters_[i], sessions_[i].writer);
  }
  ClientState waiters_[3];
  FakeSession sessions_[3];
};

TEST_F(BlockingTest, WaitersServedInOrderByThePush) {
  RunAs(0, {"BLPOP", "q", "0"});
  RunAs(1, {"BRPOP", "q", "0"});
  RunAs(2, {"BLPOP", "q", "0"});
  EXPECT_EQ(sessions_[0].Take(), "");  // no reply while blocked
  EXPECT_EQ(waiters_[0].mode(), SessionMode::kBlocked);
  EXPECT_EQ(sessions_[0].deadline, -1);  // timeout 0: no timer
  EXPECT_EQ(shard_.blocking().blocked_count(), 3u);
  EXPECT_EQ(Run({"RPUSH", "q", "a", "b"}), ":2\r\n");  // the pusher's reply counts both
  EXPECT_EQ(sessions_[0].Take(), "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
  EXPECT_EQ(sessions_[1].Take(), "*2\r\n$1\r\nq\r\n$1\r\nb\r\n");
  EXPECT_EQ(sessions_[2].Take(), "");
  EXPECT_EQ(sessions_[0].resumes, 1);
  EXPECT_EQ(waiters_[1].mode(), SessionMode::kNormal);
  EXPECT_EQ(waiters_[2].mode(), SessionMode::kBlocked);
  EXPECT_EQ(Run({"EXISTS", "q"}), ":0\r\n");
  EXPECT_EQ(Run({"INFO", "clients"}).find("blocked_clients:1\r\n") != std::string::npos, true);
  dispatcher_.ClientClosed(waiters_[2]);
  EXPECT_EQ(shard_.blocking().blocked_count(), 0u);
  EXPECT_EQ(Run({"RPUSH", "q", "c"}), ":1\r\n");  // nobody left to take it
  EXPECT_EQ(sessions_[2].Take(), "");
}

TEST_F(BlockingTest, ObserverOnlyWhileWaiting) {
  EXPECT_FALSE(shard_.key_events().active());
  RunAs(0, {"BZPOPMIN", "z", "0"});
  EXPECT_TRUE(shard_.key_events().active());
  Run({"ZADD", "z", "2", "m"});
  EXPECT_EQ(sessions_[0].Take(), "*3\r\n$1\r\nz\r\n$1\r\nm\r\n$1\r\n2\r\n");
  EXPECT_FALSE(shard_.key_events().active());
}

TEST_F(BlockingTest, TimeoutAsksForADeadlineAndAnswersNullArray) {
  RunAs(0, {"BLMOVE", "src", "dst", "LEFT", "RIGHT", "1.5"});
  EXPECT_EQ(sessions_[0].deadline, clock_.NowMs() + 1500);
  dispatcher_.BlockTimedOut(waiters_[0]);
  EXPECT_EQ(sessions_[0].Take(), "*-1\r\n");
  EXPECT_EQ(waiters_[0].mode(), SessionMode::kNormal);
  dispatcher_.BlockTimedOut(waiters_[0]);  // stale timer: nothing more
  EXPECT_EQ(sessions_[0].Take(), "");
}

TEST_F(BlockingTest, ClientUnblockAndTheFlag) {
  RunAs(0, {"BLPOP", "q", "0"});
  EXPECT_EQ(Run({"CLIENT", "UNBLOCK", "100", "ERROR"}), ":1\r\n");
  EXPECT_EQ(sessions_[0].Take(), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
  EXPECT_EQ(Run({"CLIENT", "UNBLOCK", "100"}), ":0\r\n");
}

TEST_F(BlockingTest, NoBlockingInsideMulti) {
  RunAs(0, {"MULTI"});
  RunAs(0, {"BLPOP", "q", "0"});
  RunAs(0, {"EXEC"});
  EXPECT_EQ(sessions_[0].Take(), "+OK\r\n+QUEUED\r\n*1\r\n*-1\r\n");
  EXPECT_EQ(shard_.blocking().blocked_count(), 0u);
}

}  // namespace
}  // namespace locknode::command

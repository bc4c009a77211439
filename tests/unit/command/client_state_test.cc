// ClientState's session state machine and its signals: the only way commands change what the
// session does (protocol, request limits, close, mode), so the session never polls for them.
#include "locknode/command/client_state.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "locknode/protocol/out_buffer.h"
#include "locknode/protocol/resp_writer.h"

#include "command_fixture.h"

namespace locknode::command {
namespace {

class SignalLog final : public SessionSignals {
 public:
  void ProtocolChanged(int v) override { events.push_back("proto " + std::to_string(v)); }
  void AuthChanged(bool a) override { events.push_back(a ? "auth" : "unauth"); }
  void CloseAfterReply() override { events.emplace_back("close"); }
  void ModeChanged(SessionMode from, SessionMode to) override {
    events.push_back("mode " + std::to_string(static_cast<int>(from)) + ">" +
                     std::to_string(static_cast<int>(to)));
  }
  protocol::ReplySink& PushSink() override { return pushes; }
  void PushWritten() override { events.emplace_back("pushed"); }
  std::vector<std::string> events;
  protocol::OutBuffer out;
  protocol::RespWriter pushes{&out};
};

class NoQueue final : public CommandQueue {
  void Queue(const CommandSpec& /*cmd*/, std::span<const std::string_view> /*args*/,
             protocol::ReplySink& /*reply*/) override {}
  void MarkFailed() override {}
};

TEST(ClientStateTest, OnlyTheDrawnTransitionsAreAllowed) {
  using M = SessionMode;
  const M all[] = {M::kNormal, M::kQueuing, M::kBlocked};
  for (M from : all) {
    for (M to : all) {
      const bool drawn = (from == M::kNormal) != (to == M::kNormal);
      EXPECT_EQ(ClientState::CanEnter(from, to), drawn)
          << static_cast<int>(from) << " -> " << static_cast<int>(to);
    }
  }
}

TEST(ClientStateTest, EnterModeSignalsAndRefusesWithoutChange) {
  SignalLog log;
  NoQueue queue;
  ClientState client;
  client.set_signals(&log);
  EXPECT_FALSE(client.EnterMode(SessionMode::kQueuing));  // MULTI needs its queue
  EXPECT_TRUE(client.EnterMode(SessionMode::kQueuing, &queue));
  EXPECT_EQ(client.queue(), &queue);
  EXPECT_FALSE(client.EnterMode(SessionMode::kBlocked));          // nothing blocks inside MULTI
  EXPECT_FALSE(client.EnterMode(SessionMode::kQueuing, &queue));  // nested MULTI
  EXPECT_EQ(client.mode(), SessionMode::kQueuing);
  EXPECT_TRUE(client.EnterMode(SessionMode::kNormal));
  EXPECT_EQ(client.queue(), nullptr);
  EXPECT_TRUE(client.EnterMode(SessionMode::kBlocked));
  EXPECT_TRUE(client.EnterMode(SessionMode::kNormal));
  EXPECT_EQ(log.events, (std::vector<std::string>{"mode 0>1", "mode 1>0", "mode 0>2", "mode 2>0"}));
}

TEST(ClientStateTest, ProtocolAuthAndCloseAreSignalledOncePerChange) {
  SignalLog log;
  ClientState client;
  client.set_signals(&log);
  client.SetAuthenticated(true);  // already: nothing to apply
  client.SetAuthenticated(false);
  client.SetProtocol(3);
  client.RequestClose();
  client.RequestClose();
  EXPECT_EQ(log.events, (std::vector<std::string>{"unauth", "proto 3", "close"}));
  EXPECT_FALSE(client.authenticated());
  EXPECT_EQ(client.resp_version(), 3);
  EXPECT_TRUE(client.close_after_reply());
}

TEST(ClientStateTest, SubscribedContextIsResp2WithSubscriptions) {
  ClientState client;
  EXPECT_FALSE(client.subscribed_context());
  client.set_subscriptions(2);
  EXPECT_TRUE(client.subscribed_context());
  client.SetProtocol(3);
  EXPECT_FALSE(client.subscribed_context());  // RESP3 subscribers run every command
}

// The commands that change session state do it through the signals: what the session acts on.
class SignallingCommandsTest : public CommandTest {
 protected:
  SignallingCommandsTest() : CommandTest(WithPassword()) {
    client_.SetAuthenticated(false);
    client_.set_signals(&log_);
  }
  static Config WithPassword() {
    Config config;
    config.requirepass = "pw";
    return config;
  }
  SignalLog log_;
};

TEST_F(SignallingCommandsTest, HelloAuthResetAndQuitSignal) {
  EXPECT_EQ(Run({"AUTH", "wrong"}).substr(0, 9), "-WRONGPAS");
  EXPECT_TRUE(log_.events.empty());  // a failed AUTH changes nothing
  Run({"HELLO", "3", "AUTH", "default", "pw"});
  Run({"RESET"});
  Run({"QUIT"});
  EXPECT_EQ(log_.events,
            (std::vector<std::string>{"auth", "proto 3", "proto 2", "unauth", "close"}));
}

}  // namespace
}  // namespace locknode::command

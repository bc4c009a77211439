#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "locknode/base/clock.h"
#include "locknode/base/config.h"
#include "locknode/command/dispatcher.h"
#include "locknode/command/shard.h"
#include "locknode/protocol/out_buffer.h"
#include "locknode/protocol/resp_writer.h"

namespace locknode::command {

// Runs commands in process through the real Dispatcher under a ManualClock (Dragonfly's
// BaseFamilyTest::Run, with an injected clock). Replies are captured as the exact RESP bytes a
// client would receive, so tests assert wire format and semantics at once.
class CommandTest : public ::testing::Test {
 protected:
  CommandTest() : CommandTest(Config{}) {}
  // For options the Shard reads once at construction (requirepass is hashed then).
  explicit CommandTest(Config config)
      : config_(std::move(config)),
        shard_(config_, clock_, nullptr),
        dispatcher_(shard_),
        writer_(&out_) {
    shard_.set_mutable_config(&config_);  // CONFIG SET changes it, as the server's (app/run.cc)
  }

  // Returns the reply bytes, e.g. "+OK\r\n".
  std::string Run(std::initializer_list<std::string_view> args) {
    return Run(std::vector<std::string_view>(args));
  }
  std::string Run(const std::vector<std::string_view>& args) {
    out_.Clear();
    writer_.set_resp_version(client_.resp_version());
    dispatcher_.Execute(ArgList(args.data(), args.size()), client_, writer_);
    return std::string(out_.view());
  }
  void AdvanceTime(Millis ms) { clock_.Advance(ms); }

  Config config_;
  ManualClock clock_;
  Shard shard_;
  Dispatcher dispatcher_;
  ClientState client_;
  protocol::OutBuffer out_;
  protocol::RespWriter writer_;
};

}  // namespace locknode::command

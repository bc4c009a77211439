#pragma once

// Five real locknode nodes on free ports (password required, as in the Redlock profile) and
// helpers to run `locknode lock` against them. Each test gets its own nodes and temp dir, so
// the tests run in parallel.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <signal.h>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/command_process.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {

inline constexpr char kLockPassword[] = "lock-cmd-test-password-0123";

class LockCmdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 5; ++i) {
      StartResult r = ServerProcess::StartLocknode({"--requirepass", kLockPassword});
      ASSERT_TRUE(r.server) << r.error;
      nodes_arg_ += (i ? "," : "") + std::string("127.0.0.1:") + std::to_string(r.server->port());
      nodes_.push_back(std::move(r.server));
    }
    char tmpl[] = "/tmp/locknode-lock-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // `locknode lock --nodes ... <options> NAME -- <command>`, password from the environment.
  std::unique_ptr<CommandProcess> Lock(const std::vector<std::string>& options,
                                       const std::string& name,
                                       const std::vector<std::string>& command) {
    std::vector<std::string> argv = {LocknodeBinary(), "lock", "--nodes", nodes_arg_};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back(name);
    argv.push_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
    return CommandProcess::Start(argv, {std::string("LOCKNODE_PASSWORD=") + kLockPassword});
  }

  // GET name on node i (the reply bytes: "$-1\r\n" when absent), authenticated.
  std::string Get(size_t i, const std::string& name) {
    RespClient c(nodes_[i]->port());
    c.Call({"AUTH", kLockPassword});
    return c.Call({"GET", name});
  }
  int NodesHolding(const std::string& name) {
    int n = 0;
    for (size_t i = 0; i < nodes_.size(); ++i) n += nodes_[i] && Get(i, name) != "$-1\r\n";
    return n;
  }
  // Waits until a majority holds `name` (the lock is taken); false after `timeout`.
  bool WaitHeld(const std::string& name, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (NodesHolding(name) >= 3) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  bool WaitFile(const std::string& path, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!std::filesystem::exists(path)) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }
  static std::string ReadText(const std::string& path) {
    std::ifstream in(path);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return s;
  }
  static long long WallMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  std::vector<std::unique_ptr<ServerProcess>> nodes_;
  std::string nodes_arg_;
  std::string dir_;
};

}  // namespace locknode::test

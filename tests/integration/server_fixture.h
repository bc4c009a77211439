#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/resp_client.h"
#include "support/server_process.h"

// Fixtures that start the real locknode binary on a port chosen by the OS.
namespace locknode::test {

// One server shared by every test of a suite (tests must not depend on each other's keys: each
// uses its own key names).
class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    StartResult started = ServerProcess::StartLocknode();
    server_ = started.server.release();
    if (server_ == nullptr) error_ = new std::string(started.error);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete error_;
    server_ = nullptr;
    error_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr) << *error_; }

  static int port() { return server_->port(); }

  // Raw pointers: statics must be trivially destructible (Google style).
  static inline ServerProcess* server_ = nullptr;
  static inline std::string* error_ = nullptr;
};

// Starts a server with the given extra arguments, failing the test (fatally) if it cannot.
inline std::unique_ptr<ServerProcess> StartOrFail(const std::vector<std::string>& args) {
  StartResult started = ServerProcess::StartLocknode(args);
  EXPECT_NE(started.server, nullptr) << started.error;
  return std::move(started.server);
}

// Fails the test, loudly, when a required external tool is missing (never a skip: the tools are
// installed by .ci/install-deps test).
#define LOCKNODE_REQUIRE_TOOL(tool)                                                               \
  do {                                                                                            \
    if (::locknode::test::FindInPath(tool).empty()) {                                             \
      GTEST_FAIL() << "\n*** MISSING REQUIRED DEPENDENCY: " tool                                  \
                      " is not in PATH (apt-get install redis-tools; .ci/install-deps test) ***"; \
    }                                                                                             \
  } while (0)

}  // namespace locknode::test

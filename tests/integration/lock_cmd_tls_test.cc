// `locknode lock --tls` against five TLS-only nodes with mutual TLS: the lock works, the node's
// certificate is verified (a name it does not carry is refused), and a missing client
// certificate is refused by the nodes. One self-signed certificate (SAN IP:127.0.0.1) serves as
// the CA, the server's and the client's identity, made with the openssl command.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "locknode/lockcli/lock_command.h"

#include "support/command_process.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

constexpr std::chrono::milliseconds kRunTimeout{20000};

class LockCmdTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (FindInPath("openssl").empty()) GTEST_SKIP() << "*** SKIPPED: openssl not in PATH ***";
    char tmpl[] = "/tmp/locknode-lock-tls-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    const ToolResult made = RunTool(
        {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", dir_ + "/node.key", "-out", dir_ + "/node.crt", "-subj",
         "/CN=locknode lock test", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2"},
        kRunTimeout);
    ASSERT_EQ(made.exit_code, 0) << made.output;
    for (int i = 0; i < 5; ++i) {
      StartResult r = ServerProcess::StartLocknodeTls(
          {"--tls-cert-file", dir_ + "/node.crt", "--tls-key-file", dir_ + "/node.key",
           "--tls-ca-cert-file", dir_ + "/node.crt"},
          /*plain_tcp=*/false);
      ASSERT_TRUE(r.server) << r.error;
      ports_.push_back(r.server->tls_port());
      nodes_.push_back(std::move(r.server));
    }
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::string Nodes(const std::string& host) const {
    std::string s;
    for (int p : ports_) s += (s.empty() ? "" : ",") + host + ":" + std::to_string(p);
    return s;
  }
  std::unique_ptr<CommandProcess> Lock(const std::string& host, bool client_cert) {
    std::vector<std::string> argv = {LocknodeBinary(),
                                     "lock",
                                     "--nodes",
                                     Nodes(host),
                                     "--tls",
                                     "--tls-ca-cert-file",
                                     dir_ + "/node.crt",
                                     "--connect-timeout",
                                     "3000",
                                     "--node-timeout",
                                     "500"};
    if (client_cert) {
      argv.insert(argv.end(),
                  {"--tls-cert-file", dir_ + "/node.crt", "--tls-key-file", dir_ + "/node.key"});
    }
    argv.insert(argv.end(), {"lock:tls", "--", "sh", "-c", "exit 5"});
    return CommandProcess::Start(argv);
  }

  std::string dir_;
  std::vector<int> ports_;
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
};

TEST_F(LockCmdTlsTest, MutualTlsLocksAndVerifiesTheNodes) {
  auto ok = Lock("127.0.0.1", /*client_cert=*/true);
  EXPECT_EQ(ok->Wait(kRunTimeout), 5) << ok->Output();
  // "localhost" is not in the certificate (IP SAN only): verification must refuse it.
  auto wrong_name = Lock("localhost", /*client_cert=*/true);
  EXPECT_EQ(wrong_name->Wait(kRunTimeout), lockcli::kExitNodesUnreachable) << wrong_name->Output();
  EXPECT_NE(wrong_name->Output().find("TLS handshake"), std::string::npos) << wrong_name->Output();
  // The nodes require a client certificate (tls-auth-clients yes, the default).
  auto no_cert = Lock("127.0.0.1", /*client_cert=*/false);
  EXPECT_EQ(no_cert->Wait(kRunTimeout), lockcli::kExitNodesUnreachable) << no_cert->Output();
}

}  // namespace
}  // namespace locknode::test

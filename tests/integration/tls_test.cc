// TLS on the tls-port (SAFETY.md §4.2 row 26): mutual TLS by default, tls-auth-clients
// optional/no, a lock round trip, TLS 1.1 refused, the handshake deadline, garbage and
// maxclients on the TLS port, TLS-only mode, startup errors. A CA, a server certificate
// (localhost / 127.0.0.1) and client certificates are made with the openssl command, once per
// suite, in a temp dir; clients are Debian's redis-cli --tls and openssl s_client.
#include <arpa/inet.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "integration/server_fixture.h"
#include "support/compat_scripts.h"
#include "support/resp_client.h"
#include "support/server_process.h"

namespace locknode::test {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kToolTimeout{20000};

// `openssl <args>` in `dir`; "" on success, else the command and its output.
std::string OpenSsl(std::vector<std::string> args) {
  args.insert(args.begin(), "openssl");
  const ToolResult r = RunTool(args, kToolTimeout);
  if (r.exit_code == 0) return "";
  std::string command;
  for (const std::string& a : args) command += a + " ";
  return command + "failed:\n" + r.output;
}

// A bare TCP connection, for what no TLS client would send (nothing, or plain RESP).
class RawTcp {
 public:
  explicit RawTcp(int port) : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~RawTcp() {
    if (fd_ >= 0) close(fd_);
  }
  RawTcp(const RawTcp&) = delete;
  RawTcp& operator=(const RawTcp&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(const std::string& bytes) {
    return send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // True once the server closes (EOF or reset) within `timeout`; whatever it sends first (a
  // TLS alert) is read and ignored.
  bool ClosedWithin(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd pfd{fd_, POLLIN, 0};
      if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
      if (recv(fd_, buf, sizeof(buf), 0) <= 0) return true;
    }
  }

 private:
  int fd_;
};

// Starts locknode with plain TCP and TLS on free ports, failing the test if it cannot.
std::unique_ptr<ServerProcess> StartTls(const std::vector<std::string>& args) {
  StartResult started = ServerProcess::StartLocknodeTls(args);
  EXPECT_NE(started.server, nullptr) << started.error;
  return std::move(started.server);
}

// P-256 keys: quick to generate, also under ASan.
std::vector<std::string> NewKey(const std::string& key) {
  return {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key};
}

// A key and a certificate for `cn` signed by ca.crt, with the extensions in `ext`.
std::string MakeSigned(const std::string& dir, const std::string& name, const std::string& cn,
                       const std::string& ext, const std::string& serial) {
  const std::string base = dir + "/" + name;
  std::ofstream(base + ".ext") << ext << "\n";
  std::vector<std::string> req = {"req", "-new", "-subj", "/CN=" + cn, "-out", base + ".csr"};
  const std::vector<std::string> key = NewKey(base + ".key");
  req.insert(req.end(), key.begin(), key.end());
  std::string error = OpenSsl(req);
  if (!error.empty()) return error;
  return OpenSsl({"x509", "-req", "-in", base + ".csr", "-CA", dir + "/ca.crt", "-CAkey",
                  dir + "/ca.key", "-set_serial", serial, "-days", "2", "-extfile", base + ".ext",
                  "-out", base + ".crt"});
}

// A self-signed CA certificate and key named `name`.{crt,key}.
std::string MakeCa(const std::string& dir, const std::string& name) {
  std::vector<std::string> req = {"req",
                                  "-x509",
                                  "-new",
                                  "-subj",
                                  "/CN=locknode test " + name,
                                  "-days",
                                  "2",
                                  "-out",
                                  dir + "/" + name + ".crt"};
  const std::vector<std::string> key = NewKey(dir + "/" + name + ".key");
  req.insert(req.end(), key.begin(), key.end());
  return OpenSsl(req);
}

std::string MakeCertificates(const std::string& dir) {
  for (const std::string& error : {
           MakeCa(dir, "ca"),
           MakeSigned(dir, "server", "localhost",
                      "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth",
                      "2"),
           MakeSigned(dir, "client", "lock-client", "extendedKeyUsage=clientAuth", "3"),
           // A client certificate from a CA the server does not trust.
           MakeCa(dir, "rogue"),
           // The server key encrypted with a passphrase (tls-key-file-pass).
           OpenSsl({"pkey", "-in", dir + "/server.key", "-aes256", "-passout", "pass:s3cret",
                    "-out", dir + "/server-enc.key"}),
       }) {
    if (!error.empty()) return error;
  }
  // tls-ca-cert-dir: OpenSSL's hashed-name directory.
  std::filesystem::create_directory(dir + "/cadir");
  std::filesystem::copy_file(dir + "/ca.crt", dir + "/cadir/ca.crt");
  return OpenSsl({"rehash", dir + "/cadir"});
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (FindInPath("openssl").empty()) return;
    char pattern[] = "/tmp/locknode-tls-XXXXXX";
    const char* made = mkdtemp(pattern);
    dir_ = new std::string(made != nullptr ? made : "");
    error_ = new std::string(made != nullptr ? MakeCertificates(*dir_) : "mkdtemp failed");
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr && !dir_->empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(*dir_, ignored);
    }
    delete dir_;
    delete error_;
    dir_ = nullptr;
    error_ = nullptr;
  }
  void SetUp() override {
    ASSERT_FALSE(FindInPath("openssl").empty())
        << "\n*** MISSING REQUIRED DEPENDENCY: openssl is not in PATH (apt-get install openssl; "
           ".ci/install-deps test) ***";
    LOCKNODE_REQUIRE_TOOL("redis-cli");
    ASSERT_TRUE(error_->empty()) << *error_;
  }

  static std::string Path(const std::string& name) { return *dir_ + "/" + name; }

  // The server's certificate and key, plus the CA that signs client certificates.
  static std::vector<std::string> ServerArgs(std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"--tls-cert-file",  Path("server.crt"),   "--tls-key-file",
                                     Path("server.key"), "--tls-ca-cert-file", Path("ca.crt")};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  // redis-cli --tls against `port`, presenting the certificate `client` ("" = none).
  static ToolResult Cli(int port, const std::string& client, std::vector<std::string> command) {
    std::vector<std::string> args = {"redis-cli", "--tls",     "--cacert", Path("ca.crt"),
                                     "-h",        "127.0.0.1", "-p",       std::to_string(port)};
    if (!client.empty()) {
      args.insert(args.end(), {"--cert", Path(client + ".crt"), "--key", Path(client + ".key")});
    }
    args.insert(args.end(), command.begin(), command.end());
    return RunTool(args, kToolTimeout);
  }

  // openssl s_client handshake with `protocol` ("-tls1_2"...), presenting client.crt.
  static ToolResult SClient(int port, std::vector<std::string> options) {
    std::vector<std::string> args = {
        "openssl", "s_client",        "-connect", "127.0.0.1:" + std::to_string(port),
        "-CAfile", Path("ca.crt"),    "-cert",    Path("client.crt"),
        "-key",    Path("client.key")};
    args.insert(args.end(), options.begin(), options.end());
    return RunTool(args, kToolTimeout);  // stdin is /dev/null: it quits after the handshake
  }

  // Plain TCP on `port` still answers.
  static void ExpectPlainPong(int port) {
    RespClient plain(port);
    ASSERT_TRUE(plain.connected()) << plain.error();
    EXPECT_EQ(plain.Call({"PING"}), "+PONG\r\n");
  }

  static void ExpectStartupError(const std::vector<std::string>& args, const std::string& message);

  static inline std::string* dir_ = nullptr;
  static inline std::string* error_ = nullptr;
};

TEST_F(TlsTest, MutualTlsByDefault) {
  auto server = StartTls(ServerArgs({"--loglevel", "debug"}));
  ASSERT_NE(server, nullptr);
  const ToolResult without = Cli(server->tls_port(), "", {"PING"});
  EXPECT_EQ(without.output.find("PONG"), std::string::npos) << without.output;
  const ToolResult rogue = Cli(server->tls_port(), "rogue", {"PING"});
  EXPECT_EQ(rogue.output.find("PONG"), std::string::npos) << rogue.output;
  const ToolResult with = Cli(server->tls_port(), "client", {"PING"});
  EXPECT_EQ(with.exit_code, 0) << with.output;
  EXPECT_EQ(with.output, "PONG\n");
  ExpectPlainPong(server->port());
  const std::string log = server->Log();
  EXPECT_NE(log.find("TLS handshake failed"), std::string::npos) << log;
}

TEST_F(TlsTest, AuthClientsNoAndOptional) {
  // "no" needs no CA at all.
  auto no = StartTls({"--tls-cert-file", Path("server.crt"), "--tls-key-file", Path("server.key"),
                      "--tls-auth-clients", "no"});
  ASSERT_NE(no, nullptr);
  EXPECT_EQ(Cli(no->tls_port(), "", {"PING"}).output, "PONG\n");
  auto optional = StartTls(ServerArgs({"--tls-auth-clients", "optional"}));
  ASSERT_NE(optional, nullptr);
  EXPECT_EQ(Cli(optional->tls_port(), "", {"PING"}).output, "PONG\n");
  EXPECT_EQ(Cli(optional->tls_port(), "client", {"PING"}).output, "PONG\n");
  // A certificate that is sent is verified: an untrusted one still fails.
  const ToolResult rogue = Cli(optional->tls_port(), "rogue", {"PING"});
  EXPECT_EQ(rogue.output.find("PONG"), std::string::npos) << rogue.output;
}

TEST_F(TlsTest, LockRoundTrip) {
  auto server = StartTls(ServerArgs());
  ASSERT_NE(server, nullptr);
  const int port = server->tls_port();
  const std::string release(script::testdata::FindCompatScript("seed_canonical")->body);
  EXPECT_EQ(Cli(port, "client", {"SET", "tls:lock", "token-1", "NX", "PX", "30000"}).output,
            "OK\n");
  EXPECT_EQ(Cli(port, "client", {"SET", "tls:lock", "token-2", "NX", "PX", "30000"}).output,
            "\n");  // nil: held
  EXPECT_EQ(Cli(port, "client", {"GET", "tls:lock"}).output, "token-1\n");
  EXPECT_EQ(Cli(port, "client", {"EVAL", release, "1", "tls:lock", "token-2"}).output, "0\n");
  EXPECT_EQ(Cli(port, "client", {"EVAL", release, "1", "tls:lock", "token-1"}).output, "1\n");
  EXPECT_EQ(Cli(port, "client", {"GET", "tls:lock"}).output, "\n");
  // A value bigger than a TLS record (16 KiB) crosses several reads and writes.
  const std::string big(100 * 1024, 'x');
  EXPECT_EQ(Cli(port, "client", {"SET", "tls:big", big}).output, "OK\n");
  EXPECT_EQ(Cli(port, "client", {"GET", "tls:big"}).output, big + "\n");
  // The same keyspace over plain TCP.
  RespClient plain(server->port());
  EXPECT_EQ(plain.Call({"GET", "tls:big"}), "$102400\r\n" + big + "\r\n");
}

TEST_F(TlsTest, ProtocolFloorIsTls12) {
  auto server = StartTls(ServerArgs());
  ASSERT_NE(server, nullptr);
  const ToolResult tls12 = SClient(server->tls_port(), {"-tls1_2"});
  EXPECT_EQ(tls12.exit_code, 0) << tls12.output;
  EXPECT_NE(tls12.output.find("New, TLSv1.2, Cipher is"), std::string::npos) << tls12.output;
  const ToolResult tls13 = SClient(server->tls_port(), {"-tls1_3"});
  EXPECT_EQ(tls13.exit_code, 0) << tls13.output;
  EXPECT_NE(tls13.output.find("New, TLSv1.3, Cipher is"), std::string::npos) << tls13.output;
  // SECLEVEL=0 lets Debian's OpenSSL offer TLS 1.1 at all; the server answers with a
  // protocol_version alert (70).
  const ToolResult tls11 =
      SClient(server->tls_port(), {"-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"});
  EXPECT_NE(tls11.exit_code, 0) << tls11.output;
  EXPECT_NE(tls11.output.find("alert protocol version"), std::string::npos) << tls11.output;
  // tls-protocols narrows further.
  auto only13 = StartTls(ServerArgs({"--tls-protocols", "TLSv1.3"}));
  ASSERT_NE(only13, nullptr);
  const ToolResult refused = SClient(only13->tls_port(), {"-tls1_2"});
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_EQ(SClient(only13->tls_port(), {"-tls1_3"}).exit_code, 0);
}

TEST_F(TlsTest, StalledHandshakeIsClosedAtTheDeadline) {
  auto server = StartTls(ServerArgs({"--tls-handshake-timeout", "1000", "--loglevel", "debug"}));
  ASSERT_NE(server, nullptr);
  const auto start = std::chrono::steady_clock::now();
  RawTcp stalled(server->tls_port());  // TCP only: never sends a ClientHello
  ASSERT_TRUE(stalled.connected());
  // It holds a client slot meanwhile (admitted before the handshake), and plain TCP works.
  RespClient plain(server->port());
  EXPECT_EQ(plain.Call({"PING"}), "+PONG\r\n");
  EXPECT_NE(plain.Call({"INFO", "clients"}).find("connected_clients:2"), std::string::npos);
  EXPECT_TRUE(stalled.ClosedWithin(milliseconds(1000 + 3000)));
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, milliseconds(500));  // not before the deadline (generous slack)
  EXPECT_NE(server->Log().find("TLS handshake timeout"), std::string::npos) << server->Log();
  EXPECT_EQ(plain.Call({"PING"}), "+PONG\r\n");
}

TEST_F(TlsTest, PlainRespOnTheTlsPortIsClosed) {
  static constexpr char kBadRecord[] = "\x16\x03\x01\x00\x05garbage-after-a-record-header";
  auto server = StartTls(ServerArgs());
  ASSERT_NE(server, nullptr);
  for (const std::string& garbage :
       {std::string("PING\r\n"), std::string("*1\r\n$4\r\nPING\r\n"),
        // A TLS record header (handshake, 5 bytes) with a body that is no ClientHello. The
        // literal has a NUL inside: size it from the array, not strlen.
        std::string(kBadRecord, sizeof(kBadRecord) - 1), std::string(64 * 1024, '\x16')}) {
    RawTcp c(server->tls_port());
    ASSERT_TRUE(c.connected());
    c.Send(garbage);  // may fail once the server has closed: that is fine
    EXPECT_TRUE(c.ClosedWithin(milliseconds(5000))) << garbage.substr(0, 16);
  }
  EXPECT_TRUE(server->Running());
  ExpectPlainPong(server->port());
  EXPECT_EQ(Cli(server->tls_port(), "client", {"PING"}).output, "PONG\n");
}

// INFO's rejected_connections. The harness's startup probes may have been rejected too.
int64_t RejectedConnections(RespClient& c) {
  const std::string stats = c.Call({"INFO", "stats"});
  const size_t at = stats.find("rejected_connections:");
  if (at == std::string::npos) return -1;
  return std::stoll(stats.substr(at + std::string_view("rejected_connections:").size()));
}

TEST_F(TlsTest, MaxclientsRejectsBeforeTheHandshake) {
  // No loopback reserve: the test's clients are loopback peers and would take those slots.
  auto server = StartTls(ServerArgs({"--maxclients", "1", "--maxclients-loopback-reserve", "0"}));
  ASSERT_NE(server, nullptr);
  // The harness's readiness probes close at once, but the server may accept the holder before
  // it has read their EOF (events of one loop turn come in no set order), and then the probe
  // still holds the one slot: retry until the holder is in.
  std::unique_ptr<RespClient> holder;
  for (int attempt = 0; attempt < 50; ++attempt) {
    holder = std::make_unique<RespClient>(server->port());
    if (holder->Call({"PING"}) == "+PONG\r\n") break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  ASSERT_EQ(holder->Call({"PING"}), "+PONG\r\n");
  const int64_t before = RejectedConnections(*holder);
  // Redis on a TLS port writes nothing (no handshake yet): the connection just drops.
  RespClient extra(server->tls_port());
  ASSERT_TRUE(extra.connected()) << extra.error();
  EXPECT_TRUE(extra.WaitForClose(milliseconds(5000)));  // no bytes at all before the close
  EXPECT_EQ(RejectedConnections(*holder), before + 1);
  holder->Close();
}

TEST_F(TlsTest, PortZeroWithoutPortFileIsTlsOnly) {
  StartResult started = ServerProcess::StartLocknodeTls(ServerArgs(), /*plain_tcp=*/false);
  ASSERT_NE(started.server, nullptr) << started.error;
  ServerProcess& server = *started.server;
  EXPECT_EQ(Cli(server.tls_port(), "client", {"CONFIG", "GET", "port"}).output, "port\n0\n");
  EXPECT_EQ(Cli(server.tls_port(), "client", {"CONFIG", "GET", "tls-port"}).output,
            "tls-port\n" + std::to_string(server.tls_port()) + "\n");
  const std::string info = Cli(server.tls_port(), "client", {"INFO", "server"}).output;
  EXPECT_NE(info.find("tcp_port:0"), std::string::npos) << info;
  // Read after the commands: the banner is logged only after the port file is written.
  const std::string log = server.Log();
  EXPECT_NE(log.find("plain TCP off"), std::string::npos) << log;
  // One listening line only: the TLS one.
  EXPECT_NE(log.find("(TLS)"), std::string::npos) << log;
  EXPECT_EQ(log.find("listening on"), log.rfind("listening on")) << log;
}

TEST_F(TlsTest, EncryptedKeyAndCaDirectory) {
  auto server =
      StartTls({"--tls-cert-file", Path("server.crt"), "--tls-key-file", Path("server-enc.key"),
                "--tls-key-file-pass", "s3cret", "--tls-ca-cert-dir", Path("cadir")});
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(Cli(server->tls_port(), "client", {"PING"}).output, "PONG\n");
  EXPECT_EQ(Cli(server->tls_port(), "", {"PING"}).output.find("PONG"), std::string::npos);
}

// Startup must fail, with exit code 1 and a message naming the problem.
void TlsTest::ExpectStartupError(const std::vector<std::string>& args, const std::string& message) {
  std::vector<std::string> argv = {LocknodeBinary(),  "--port",           "0", "--tls-port", "0",
                                   "--tls-port-file", Path("unused.port")};
  argv.insert(argv.end(), args.begin(), args.end());
  const ToolResult r = RunTool(argv, kToolTimeout);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
}

TEST_F(TlsTest, StartupErrors) {
  ExpectStartupError({}, "tls-cert-file must be set when tls-port is set");
  ExpectStartupError({"--tls-cert-file", Path("server.crt")},
                     "tls-key-file must be set when tls-port is set");
  ExpectStartupError({"--tls-cert-file", Path("server.crt"), "--tls-key-file", Path("server.key")},
                     "tls-ca-cert-file or tls-ca-cert-dir must be set");
  ExpectStartupError(ServerArgs({"--tls-protocols", "TLSv1.1 TLSv1.2"}),
                     "tls-protocols must be TLSv1.2 and/or TLSv1.3");
  ExpectStartupError({"--tls-cert-file", Path("missing.crt"), "--tls-key-file", Path("server.key"),
                      "--tls-auth-clients", "no"},
                     "tls-cert-file " + Path("missing.crt") + ": No such file or directory");
  ExpectStartupError({"--tls-cert-file", Path("server.crt"), "--tls-key-file", Path("client.key"),
                      "--tls-auth-clients", "no"},
                     "key values mismatch");
  ExpectStartupError(
      {"--tls-cert-file", Path("server.crt"), "--tls-key-file", Path("server-enc.key"),
       "--tls-key-file-pass", "wrong", "--tls-auth-clients", "no"},
      "tls-key-file " + Path("server-enc.key"));
  ExpectStartupError(ServerArgs({"--tls-auth-clients", "maybe"}), "tls-auth-clients");
  ExpectStartupError(ServerArgs({"--tls-ca-cert-dir", Path("nope")}),
                     "tls-ca-cert-dir " + Path("nope") + ": not a directory");
}

}  // namespace
}  // namespace locknode::test

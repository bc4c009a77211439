#include "support/server_process.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "support/resp_client.h"

namespace locknode::test {
namespace {

// Startup of a Debug/ASan build on a loaded machine can take seconds; be patient.
constexpr std::chrono::milliseconds kStartTimeout{15000};
constexpr std::chrono::milliseconds kPollStep{20};

std::string MakeTempDir(const std::string& tag) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/locknode-" + tag + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) return "";
  return buf.data();
}

// A port that was free a moment ago: bind port 0, read it back, release it.
int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::vector<char*> ToArgv(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  return argv;
}

}  // namespace

std::string FindInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string LocknodeBinary() {
  const char* env = std::getenv("LOCKNODE_TEST_BINARY");
  if (env != nullptr && *env != '\0') return env;
  return LOCKNODE_BINARY;
}

StartResult ServerProcess::StartLocknode(const std::vector<std::string>& extra_args) {
  return LaunchLocknode(extra_args, /*plain_tcp=*/true, /*tls=*/false);
}

StartResult ServerProcess::StartLocknodeTls(const std::vector<std::string>& extra_args,
                                            bool plain_tcp) {
  return LaunchLocknode(extra_args, plain_tcp, /*tls=*/true);
}

StartResult ServerProcess::LaunchLocknode(const std::vector<std::string>& extra_args,
                                          bool plain_tcp, bool tls) {
  std::string dir = MakeTempDir("ln");
  if (dir.empty()) return {nullptr, "mkdtemp failed"};
  std::unique_ptr<ServerProcess> server(new ServerProcess("locknode", dir));
  std::vector<std::string> argv = {LocknodeBinary(), "--port", "0"};
  if (plain_tcp) argv.insert(argv.end(), {"--port-file", dir + "/port"});
  if (tls) argv.insert(argv.end(), {"--tls-port", "0", "--tls-port-file", dir + "/tls-port"});
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  if (!server->Spawn(argv)) return {nullptr, "cannot start " + argv[0]};
  // A bare TCP connect probes the TLS port too: the server drops it when the handshake fails.
  if ((tls && !server->WaitUntilServing(kStartTimeout, dir + "/tls-port", &server->tls_port_)) ||
      (plain_tcp && !server->WaitUntilServing(kStartTimeout, dir + "/port", &server->port_))) {
    return {nullptr, "locknode did not start serving; log:\n" + server->Log()};
  }
  return {std::move(server), ""};
}

StartResult ServerProcess::StartRedis(const std::vector<std::string>& extra_args) {
  std::string binary = FindInPath("redis-server");
  if (binary.empty()) return {nullptr, "redis-server is not in PATH"};
  std::string last_error;
  // The picked port can be taken by someone else before redis binds it: retry with a new one.
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::string dir = MakeTempDir("redis");
    if (dir.empty()) return {nullptr, "mkdtemp failed"};
    std::unique_ptr<ServerProcess> server(new ServerProcess("redis-server", dir));
    int port = PickFreePort();
    std::vector<std::string> argv = {binary,
                                     "--port",
                                     std::to_string(port),
                                     "--bind",
                                     "127.0.0.1",
                                     "--save",
                                     "",
                                     "--appendonly",
                                     "no",
                                     "--dir",
                                     dir,
                                     "--daemonize",
                                     "no",
                                     "--logfile",
                                     ""};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    if (!server->Spawn(argv)) return {nullptr, "cannot start " + binary};
    server->port_ = port;
    if (server->WaitUntilServing(kStartTimeout, "", &server->port_)) {
      return {std::move(server), ""};
    }
    last_error =
        "redis-server did not start on port " + std::to_string(port) + "; log:\n" + server->Log();
  }
  return {nullptr, last_error};
}

bool ServerProcess::Spawn(const std::vector<std::string>& args) {
  std::string log_path = dir_ + "/server.log";
  std::vector<char*> argv = ToArgv(args);
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    // Child: if the test binary dies (crash, ctest timeout), the server must not outlive it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null_in = open("/dev/null", O_RDONLY);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
    }
    if (null_in >= 0) dup2(null_in, STDIN_FILENO);
    execv(argv[0], argv.data());
    std::fprintf(stderr, "exec %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  return true;
}

bool ServerProcess::WaitUntilServing(std::chrono::milliseconds timeout,
                                     const std::string& port_file, int* port) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!Running()) return false;
    if (!port_file.empty() && *port == 0) {
      std::ifstream in(port_file);
      int read = 0;
      // The file may be seen half-written: only a positive number counts.
      if (in >> read && read > 0 && read < 65536) *port = read;
    }
    if (*port > 0) {
      RespClient probe(*port);
      if (probe.connected()) return true;
    }
    std::this_thread::sleep_for(kPollStep);
  }
  return false;
}

ServerProcess::~ServerProcess() {
  // SIGTERM first, so a sanitizer build runs its exit-time checks (LeakSanitizer); SIGCONT in
  // case a test left it stopped. SIGKILL only if it does not exit.
  if (Running()) {
    kill(pid_, SIGTERM);
    kill(pid_, SIGCONT);
    if (!WaitForExit(std::chrono::milliseconds(5000))) {
      kill(pid_, SIGKILL);
      WaitForExit(std::chrono::milliseconds(10000));
    }
  }
  // A sanitizer report in the server is a bug even when no reply showed it (-fno-sanitize-recover
  // makes the server abort, but possibly after the test's last command).
  if (!dir_.empty()) {
    const std::string log = Log();
    for (const char* marker :
         {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"}) {
      if (log.find(marker) != std::string::npos) {
        ADD_FAILURE() << name_ << " reported \"" << marker << "\"; its log:\n" << log;
        break;
      }
    }
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

void ServerProcess::Signal(int sig) {
  if (Running()) kill(pid_, sig);
}

bool ServerProcess::Running() {
  if (pid_ <= 0 || exit_status_) return false;
  int status = 0;
  pid_t got = waitpid(pid_, &status, WNOHANG);
  if (got == pid_) {
    exit_status_ = status;
    return false;
  }
  return got == 0;
}

std::optional<int> ServerProcess::WaitForExit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollStep);
  }
  return exit_status_;
}

std::string ServerProcess::Log() const {
  std::ifstream in(dir_ + "/server.log");
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

ToolResult RunTool(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  ToolResult result;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return result;
  std::vector<char*> argv = ToArgv(args);
  pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return result;
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int null_in = open("/dev/null", O_RDONLY);
    if (null_in >= 0) dup2(null_in, STDIN_FILENO);
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(pipe_fds[1], STDERR_FILENO);
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "exec %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  close(pipe_fds[1]);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    pollfd pfd{pipe_fds[0], POLLIN, 0};
    int ready = poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char chunk[4096];
    ssize_t n = read(pipe_fds[0], chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the tool (and anything it forked) closed its output
    result.output.append(chunk, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

}  // namespace locknode::test

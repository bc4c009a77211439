#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

// Starts real server processes for the integration and differential suites: the locknode binary
// built by CMake (LOCKNODE_BINARY) and Debian's redis-server. Ports always come from the OS, so
// suites can run in parallel and never collide with a developer's Redis on 6379.
namespace locknode::test {

// Absolute path of `name` found in $PATH, or "" when it is not installed.
std::string FindInPath(const std::string& name);

// The locknode binary under test: $LOCKNODE_TEST_BINARY if set, else the CMake-built one.
std::string LocknodeBinary();

class ServerProcess;
struct StartResult {
  std::unique_ptr<ServerProcess> server;  // null on failure
  std::string error;                      // why it failed, including the server's log
};

class ServerProcess {
 public:
  // locknode --port 0 --port-file <tmp>/port <extra...>; waits until the port file names a port
  // that accepts connections.
  static StartResult StartLocknode(const std::vector<std::string>& extra_args = {});
  // Also with TLS: --tls-port 0 --tls-port-file <tmp>/tls-port <extra...> (extra must name the
  // certificate files); waits for both ports. With plain_tcp false no --port-file is passed, so
  // `--port 0` turns plain TCP off (TLS only) and port() stays 0.
  static StartResult StartLocknodeTls(const std::vector<std::string>& extra_args,
                                      bool plain_tcp = true);
  // redis-server on a port picked by binding port 0 and releasing it (retried if the port is
  // taken in between), without persistence, in its own temp dir.
  static StartResult StartRedis(const std::vector<std::string>& extra_args = {});

  // Kills (SIGKILL) the process if it still runs, reaps it and removes its temp dir.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  int tls_port() const { return tls_port_; }  // 0 unless started by StartLocknodeTls
  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }

  // Sends `sig` to the process (no-op once it has exited).
  void Signal(int sig);
  // Waits for exit; the raw waitpid status, or nullopt if still running after `timeout`.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout);
  // True while the process has not exited.
  bool Running();
  // Everything the process wrote to stdout/stderr so far (for failure messages).
  std::string Log() const;

 private:
  ServerProcess(std::string name, std::string dir) : name_(std::move(name)), dir_(std::move(dir)) {}
  static StartResult LaunchLocknode(const std::vector<std::string>& extra_args, bool plain_tcp,
                                    bool tls);
  bool Spawn(const std::vector<std::string>& argv);
  // Waits until *port (read from port_file first, if given and *port is 0) accepts TCP.
  bool WaitUntilServing(std::chrono::milliseconds timeout, const std::string& port_file, int* port);

  std::string name_;
  std::string dir_;  // temp dir: log, port file, redis's working dir
  pid_t pid_ = -1;
  int port_ = 0;
  int tls_port_ = 0;
  std::optional<int> exit_status_;
};

// A short-lived external tool (redis-cli, redis-benchmark) run to completion.
struct ToolResult {
  int exit_code = -1;      // WEXITSTATUS, or -1 if killed/signalled
  bool timed_out = false;  // killed after the timeout
  std::string output;      // stdout and stderr, interleaved
};
ToolResult RunTool(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

}  // namespace locknode::test

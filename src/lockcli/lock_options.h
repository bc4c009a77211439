#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "lockcli/node_conn.h"

namespace locknode::lockcli {

struct LockOptions {
  std::string name;                  // the lock's key on every node
  std::vector<std::string> command;  // CMD ARGS...
  std::vector<NodeAddress> nodes;    // from --nodes or --nodes-file
  std::string password;              // from --password-env / --password-file, "" for none
  bool tls = false;
  std::string tls_ca_cert_file, tls_cert_file, tls_key_file;
  std::chrono::milliseconds ttl{10000};
  std::chrono::milliseconds wait{0};  // 0: one attempt
  std::chrono::milliseconds retry_delay{200};
  std::chrono::milliseconds node_timeout{50};
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds extend_every{0};  // 0: a third of the TTL
  std::chrono::milliseconds kill_after{5000};
  bool verbose = false;
};

// What the command line asked for: options to run with, or a message and an exit code
// (--help: 0 and the help text; a bad option: kExitUsage and why).
struct ParsedCommandLine {
  std::optional<LockOptions> options;
  int exit_code = 0;
  std::string message;
};

// argv[0] is "lock". Everything after the first "--" is CMD, taken verbatim.
ParsedCommandLine ParseLockCommandLine(int argc, char** argv);

// "host:port,host:port" or a file's lines (blank lines and # comments skipped), as
// NodeAddress; "[v6]:port" for IPv6. Throws std::invalid_argument naming the bad entry.
std::vector<NodeAddress> ParseNodeList(const std::string& text, char separator);

}  // namespace locknode::lockcli

#include "lockcli/lock_options.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include <CLI/App.hpp>
#include <CLI/Config.hpp>
#include <CLI/Formatter.hpp>

#include "locknode/lockcli/lock_command.h"

namespace locknode::lockcli {
namespace {

constexpr std::string_view kUsage =
    "locknode lock [OPTIONS] NAME -- CMD [ARGS...]\n"
    "Runs CMD while holding a Redlock on NAME across the nodes, as etcdctl lock and consul lock "
    "do.";

constexpr std::string_view kFooter = R"(
CMD runs in its own process group with LOCKNODE_LOCK_NAME, LOCKNODE_LOCK_TOKEN,
LOCKNODE_LOCK_TTL_MS and LOCKNODE_LOCK_VALIDITY_MS in its environment (no fencing token: the
nodes provide none yet, so LOCKNODE_LOCK_FENCING_TOKEN is left unset).
Exit codes: CMD's own (128+N if signal N ended it); 64 bad usage; 69 fewer than a quorum of
nodes reachable; 75 lock not acquired before --wait ran out; 79 lock lost while CMD ran (CMD
got SIGTERM, then SIGKILL after --kill-after); 126/127 CMD not executable / not found.)";

NodeAddress ParseNode(std::string_view entry) {
  const auto bad = [&] {
    return std::invalid_argument("bad node '" + std::string(entry) + "' (want host:port)");
  };
  std::string host;
  std::string_view port;
  if (!entry.empty() && entry.front() == '[') {  // [v6]:port
    const size_t close = entry.find("]:");
    if (close == std::string_view::npos) throw bad();
    host = entry.substr(1, close - 1);
    port = entry.substr(close + 2);
  } else {
    const size_t colon = entry.rfind(':');
    if (colon == std::string_view::npos || colon == 0) throw bad();
    host = entry.substr(0, colon);
    port = entry.substr(colon + 1);
  }
  int p = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || p > 65535) throw bad();
    p = p * 10 + (c - '0');
  }
  if (port.empty() || p == 0 || p > 65535) throw bad();
  return NodeAddress{host, p};
}

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) throw std::invalid_argument(std::string("cannot read the ") + what + " file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The password: a file's first line, or an environment variable, never the command line
// (where `ps` shows it), as the Redlock profile's tooling does.
std::string LoadPassword(const std::string& file, const std::string& env, bool env_given) {
  if (!file.empty()) {
    const std::string text = ReadFile(file, "password");
    return Trim(text.substr(0, text.find('\n')));
  }
  const char* value = std::getenv(env.c_str());
  if (value == nullptr && env_given) {
    throw std::invalid_argument("--password-env " + env + ": the variable is not set");
  }
  return value == nullptr ? "" : value;
}

void Validate(const LockOptions& o) {
  if (o.nodes.empty()) throw std::invalid_argument("no nodes (--nodes or --nodes-file)");
  if (o.ttl.count() < 100) throw std::invalid_argument("--ttl must be at least 100 ms");
  if (o.node_timeout.count() < 1 || o.node_timeout >= o.ttl) {
    throw std::invalid_argument("--node-timeout must be at least 1 ms and below --ttl");
  }
  if (o.extend_every >= o.ttl) throw std::invalid_argument("--extend-every must be below --ttl");
  if (o.wait.count() < 0 || o.kill_after.count() < 0 || o.retry_delay.count() < 1 ||
      o.connect_timeout.count() < 1 || o.extend_every.count() < 0) {
    throw std::invalid_argument("times must not be negative (--retry-delay at least 1 ms)");
  }
}

}  // namespace

std::vector<NodeAddress> ParseNodeList(const std::string& text, char separator) {
  std::vector<NodeAddress> nodes;
  std::istringstream in(text);
  std::string entry;
  while (std::getline(in, entry, separator)) {
    entry = Trim(entry.substr(0, entry.find('#')));
    if (!entry.empty()) nodes.push_back(ParseNode(entry));
  }
  return nodes;
}

ParsedCommandLine ParseLockCommandLine(int argc, char** argv) {
  ParsedCommandLine out;
  LockOptions o;
  int split = 1;
  while (split < argc && std::string_view(argv[split]) != "--") ++split;
  for (int i = split + 1; i < argc; ++i) o.command.emplace_back(argv[i]);

  CLI::App app{std::string(kUsage), "locknode lock"};
  app.footer(std::string(kFooter));
  std::string nodes, nodes_file, password_file, password_env = "LOCKNODE_PASSWORD";
  long ttl = 10000, wait = 0, retry = 200, node_timeout = 50, connect_timeout = 1000;
  long extend_every = 0, kill_after = 5000;
  app.add_option("NAME", o.name, "The lock's key on every node")->required();
  auto* n = app.add_option("--nodes", nodes, "host:port,host:port,... (5 for Redlock)");
  auto* nf = app.add_option("--nodes-file", nodes_file, "One host:port per line (# comments)");
  n->excludes(nf);
  auto* pf = app.add_option("--password-file", password_file, "First line is the AUTH password");
  auto* pe = app.add_option("--password-env", password_env,
                            "Environment variable holding the password (used if set)")
                 ->capture_default_str();
  pf->excludes(pe);
  app.add_flag("--tls", o.tls, "Connect with TLS (verifies the node's certificate)");
  app.add_option("--tls-ca-cert-file", o.tls_ca_cert_file, "CA bundle (default: system CAs)");
  app.add_option("--tls-cert-file", o.tls_cert_file, "Client certificate (mutual TLS)");
  app.add_option("--tls-key-file", o.tls_key_file, "Client private key");
  app.add_option("--ttl", ttl, "Lock TTL in ms on each node")->capture_default_str();
  app.add_option("--wait", wait, "Keep retrying for up to this many ms (0: try once)")
      ->capture_default_str();
  app.add_option("--retry-delay", retry, "Mean pause between attempts, ms (+-50% jitter)")
      ->capture_default_str();
  app.add_option("--node-timeout", node_timeout, "Per-node request timeout, ms")
      ->capture_default_str();
  app.add_option("--connect-timeout", connect_timeout, "Initial connect+AUTH per node, ms")
      ->capture_default_str();
  app.add_option("--extend-every", extend_every, "Extend interval, ms (0: TTL/3)")
      ->capture_default_str();
  app.add_option("--kill-after", kill_after, "SIGKILL this long after SIGTERM on loss, ms")
      ->capture_default_str();
  app.add_flag("-v,--verbose", o.verbose, "Log each step to stderr");
  try {
    app.parse(split, argv);
    if (o.command.empty()) throw CLI::ValidationError("missing '-- CMD [ARGS...]'");
    o.nodes = !nodes.empty()       ? ParseNodeList(nodes, ',')
              : nodes_file.empty() ? std::vector<NodeAddress>{}
                                   : ParseNodeList(ReadFile(nodes_file, "nodes"), '\n');
    o.password = LoadPassword(password_file, password_env, pe->count() > 0);
    o.ttl = std::chrono::milliseconds(ttl);
    o.wait = std::chrono::milliseconds(wait);
    o.retry_delay = std::chrono::milliseconds(retry);
    o.node_timeout = std::chrono::milliseconds(node_timeout);
    o.connect_timeout = std::chrono::milliseconds(connect_timeout);
    o.extend_every = std::chrono::milliseconds(extend_every);
    o.kill_after = std::chrono::milliseconds(kill_after);
    Validate(o);
  } catch (const CLI::CallForHelp&) {
    out.message = app.help();
    return out;
  } catch (const std::exception& e) {  // CLI::ParseError and our std::invalid_argument
    out.exit_code = kExitUsage;
    out.message = std::string("locknode lock: ") + e.what() +
                  "\nRun 'locknode lock --help' for the options.\n";
    return out;
  }
  if (o.extend_every.count() == 0) o.extend_every = o.ttl / 3;
  out.options = std::move(o);
  return out;
}

}  // namespace locknode::lockcli

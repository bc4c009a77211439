// Configuration: CLI11 flags over a config file over Config's defaults, validated once.
#include "locknode/app/config.h"

#include <cstdint>
#include <limits>
#include <sstream>
#include <string_view>

#include <CLI/CLI.hpp>

#include "client_limit_options.h"

namespace locknode::app {

namespace {

// Parser offsets are 32-bit (protocol::ArgRef), so no request may be 4 GiB or more.
constexpr int64_t kMaxRequestBytes = std::numeric_limits<uint32_t>::max();

// EVAL/EVALSHA budgets (see conf/locknode.conf for the reasons behind each default).
void AddScriptOptions(CLI::App& cli, Config* c) {
  const CLI::AsSizeValue size_units(/*kb_is_1000=*/false);
  cli.add_option("--lua-fast-path", c->lua_fast_path, "Run recognised lock scripts natively")
      ->capture_default_str();
  cli.add_option("--lua-time-limit", c->lua_time_limit, "Milliseconds per script")
      ->capture_default_str();
  cli.add_option("--lua-instruction-limit", c->lua_instruction_limit,
                 "Lua VM instructions per script; 0 = no limit")
      ->capture_default_str();
  cli.add_option("--lua-memory-limit", c->lua_memory_limit, "Lua heap one script may add")
      ->transform(size_units)
      ->capture_default_str();
  cli.add_option("--lua-max-scripts", c->lua_max_scripts, "Cached scripts (LRU beyond)")
      ->capture_default_str();
  cli.add_option("--lua-cache-max-bytes", c->lua_cache_max_bytes, "Sum of cached script bodies")
      ->transform(size_units)
      ->capture_default_str();
  cli.add_option("--lua-max-script-bytes", c->lua_max_script_bytes, "Largest script body")
      ->transform(size_units)
      ->capture_default_str();
}

// Restart safety and TTL policy (SAFETY.md G3, F2-F5; conf/locknode.conf explains each).
void AddSafetyOptions(CLI::App& cli, Config* c) {
  cli.add_option("--lease-file", c->lease_file,
                 "Restart safety: keep the lease watermark here; \"\" = off");
  cli.add_option("--max-ttl", c->max_ttl, "Longest TTL in ms (longer ones are refused); 0 = none")
      ->capture_default_str();
  cli.add_option("--require-ttl", c->require_ttl, "Refuse writes that leave a key without a TTL")
      ->capture_default_str();
  cli.add_option("--maxmemory", c->maxmemory, "Key memory limit (-OOM beyond); 0 = none")
      ->transform(CLI::AsSizeValue(/*kb_is_1000=*/false))
      ->capture_default_str();
  // Accepted so a Redis-style file states it; any other policy would evict lock keys.
  cli.add_option("--maxmemory-policy", c->maxmemory_policy, "Only noeviction")
      ->capture_default_str();
}

// TLS (Redis's option names; conf/locknode.conf explains each).
void AddTlsOptions(CLI::App& cli, Config* c) {
  cli.add_option("--tls-port", c->tls_port, "TLS port; 0 = no TLS (with --tls-port-file: free)")
      ->capture_default_str();
  cli.add_option("--tls-port-file", c->tls_port_file, "Write the bound TLS port to this file");
  cli.add_option("--tls-cert-file", c->tls_cert_file, "Server certificate chain (PEM)");
  cli.add_option("--tls-key-file", c->tls_key_file, "Server private key (PEM)");
  cli.add_option("--tls-key-file-pass", c->tls_key_file_pass, "Passphrase of --tls-key-file");
  cli.add_option("--tls-ca-cert-file", c->tls_ca_cert_file, "CA certificates for clients (PEM)");
  cli.add_option("--tls-ca-cert-dir", c->tls_ca_cert_dir, "CA directory (OpenSSL hashed names)");
  cli.add_option("--tls-auth-clients", c->tls_auth_clients,
                 "yes: clients need a certificate; optional: verified if sent; no")
      ->check(CLI::IsMember({"yes", "no", "optional"}))
      ->capture_default_str();
  cli.add_option("--tls-protocols", c->tls_protocols, "Space-separated: TLSv1.2 TLSv1.3")
      ->capture_default_str();
  cli.add_option("--tls-ciphers", c->tls_ciphers, "TLS 1.2 cipher list (OpenSSL syntax)");
  cli.add_option("--tls-ciphersuites", c->tls_ciphersuites, "TLS 1.3 cipher suites");
  cli.add_option("--tls-handshake-timeout", c->tls_handshake_timeout,
                 "Milliseconds a TLS handshake may take")
      ->capture_default_str();
}

void AddOptions(CLI::App& cli, Config* c, CliRequest* request) {
  cli.set_config("--config", "", "Read options from this file (name = value lines)");
  // A misspelt option in a lock server's config must stop it, not be ignored silently.
  cli.allow_config_extras(CLI::config_extras_mode::error);
  cli.set_version_flag("--version", "locknode " LOCKNODE_VERSION);
  cli.add_option("--bind", c->bind, "Addresses to listen on, space-separated")
      ->capture_default_str();
  cli.add_option("--port", c->port, "TCP port; 0 picks a free one")->capture_default_str();
  cli.add_option("--port-file", c->port_file, "Write the bound port to this file");
  cli.add_option("--maxclients", c->maxclients, "Maximum simultaneous clients")
      ->capture_default_str();
  cli.add_option("--io-uring", c->io_uring,
                 "Batch plain-TCP recv/send through io_uring where the kernel allows it")
      ->capture_default_str();
  cli.add_option("--timeout", c->timeout, "Close clients idle this many seconds; 0 = never")
      ->capture_default_str();
  cli.add_option("--requirepass", c->requirepass, "Password clients must AUTH with");
  cli.add_option("--protected-mode", c->protected_mode,
                 "Without requirepass, serve loopback clients only (-DENIED to others)")
      ->capture_default_str();
  cli.add_option("--maxclients-loopback-reserve", c->maxclients_loopback_reserve,
                 "Extra client slots beyond maxclients for loopback peers only")
      ->capture_default_str();
  const CLI::AsSizeValue size_units(/*kb_is_1000=*/false);
  cli.add_option("--proto-max-bulk-len", c->proto_max_bulk_len, "Largest bulk argument")
      ->transform(size_units)
      ->capture_default_str();
  cli.add_option("--client-query-buffer-limit", c->client_query_buffer_limit,
                 "Largest pending request per client")
      ->transform(size_units)
      ->capture_default_str();
  AddClientLimitOptions(cli, c);
  cli.add_option("--proto-max-multibulk-len", c->proto_max_multibulk_len,
                 "Most arguments in one request")
      ->capture_default_str();
  cli.add_option("--proto-inline-max-size", c->proto_inline_max_size,
                 "Longest inline request or length line")
      ->transform(size_units)
      ->capture_default_str();
  cli.add_option("--loglevel,--log-level", c->log_level,
                 "trace|debug|info|warn|error|critical|off (or Redis's verbose|notice|warning)")
      ->capture_default_str();
  AddScriptOptions(cli, c);
  AddSafetyOptions(cli, c);
  AddTlsOptions(cli, c);
  cli.add_flag("--dump-config", request->dump_config, "Print the effective configuration, exit")
      ->configurable(false);
}

void Require(bool ok, std::string_view option, std::string_view rule) {
  if (!ok) throw ConfigError(std::string(option) + " must be " + std::string(rule));
}

// tls-protocols lists TLSv1.2 and/or TLSv1.3: nothing older is offered (SAFETY.md §5).
bool ValidTlsProtocols(const std::string& list) {
  std::istringstream words(list);
  std::string word;
  bool any = false;
  while (words >> word) {
    if (word != "TLSv1.2" && word != "TLSv1.3") return false;
    any = true;
  }
  return any;
}

void ValidateTlsConfig(const Config& c) {
  Require(c.tls_port >= 0 && c.tls_port <= 65535, "tls-port", "between 0 and 65535");
  if (!TlsEnabled(c)) return;
  Require(!c.tls_cert_file.empty(), "tls-cert-file", "set when tls-port is set");
  Require(!c.tls_key_file.empty(), "tls-key-file", "set when tls-port is set");
  Require(c.tls_auth_clients == "no" || !c.tls_ca_cert_file.empty() || !c.tls_ca_cert_dir.empty(),
          "tls-ca-cert-file or tls-ca-cert-dir",
          "set to verify client certificates (or tls-auth-clients no)");
  Require(ValidTlsProtocols(c.tls_protocols), "tls-protocols",
          "TLSv1.2 and/or TLSv1.3 (older versions are refused)");
  Require(c.tls_handshake_timeout >= 1, "tls-handshake-timeout", "at least 1 (milliseconds)");
}

bool LooksNumeric(const std::string& s) {
  if (s.empty()) return false;
  const size_t start = s[0] == '-' ? 1 : 0;
  return start < s.size() && s.find_first_not_of("0123456789", start) == std::string::npos;
}

}  // namespace

std::string_view NormalizeLogLevel(std::string_view name) {
  // spdlog's names, plus Redis's loglevel words so a Redis-style file works unchanged.
  for (std::string_view known : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    if (name == known) return known;
  }
  if (name == "verbose") return "debug";
  if (name == "notice") return "info";
  if (name == "warning") return "warn";
  return {};
}

CliRequest ParseCommandLine(CLI::App& cli, int argc, const char* const* argv, Config* config) {
  CliRequest request;
  AddOptions(cli, config, &request);
  cli.parse(argc, argv);
  const CLI::Option* file = cli.get_config_ptr();
  if (file != nullptr && file->count() > 0) config->config_file = file->as<std::string>();
  ValidateConfig(*config);
  return request;
}

void ValidateConfig(const Config& c) {
  Require(c.bind.find_first_not_of(' ') != std::string::npos, "bind", "at least one address");
  Require(c.port >= 0 && c.port <= 65535, "port", "between 0 and 65535");
  Require(c.maxclients >= 1, "maxclients", "at least 1");
  Require(c.maxclients_loopback_reserve >= 0 && c.maxclients_loopback_reserve <= 1000,
          "maxclients-loopback-reserve", "between 0 and 1000");
  Require(c.timeout >= 0, "timeout", "0 (never) or a number of seconds");
  Require(c.proto_max_bulk_len >= 1 && c.proto_max_bulk_len < kMaxRequestBytes,
          "proto-max-bulk-len", "between 1 and 4294967294");
  Require(c.client_query_buffer_limit >= 1 && c.client_query_buffer_limit <= kMaxRequestBytes,
          "client-query-buffer-limit", "between 1 and 4294967295");
  Require(c.client_request_timeout_ms >= 0, "client-request-timeout-ms",
          "0 (no deadline) or a number of milliseconds");
  Require(c.maxmemory_clients >= 0, "maxmemory-clients", "0 (no limit) or a number of bytes");
  Require(c.proto_max_multibulk_len >= 1 &&
              c.proto_max_multibulk_len <= std::numeric_limits<int32_t>::max(),
          "proto-max-multibulk-len", "between 1 and 2147483647");
  // Below ~1 KiB even a lock request sent inline by hand (redis-cli, telnet) would not fit.
  Require(c.proto_inline_max_size >= 1024 && c.proto_inline_max_size <= kMaxRequestBytes,
          "proto-inline-max-size", "between 1024 and 4294967295");
  Require(c.lua_time_limit >= 1, "lua-time-limit", "at least 1 (milliseconds)");
  Require(c.lua_instruction_limit >= 0, "lua-instruction-limit", "0 (no limit) or more");
  Require(c.lua_memory_limit >= 1, "lua-memory-limit", "at least 1 byte");
  Require(c.lua_max_scripts >= 1, "lua-max-scripts", "at least 1");
  Require(c.lua_cache_max_bytes >= 1, "lua-cache-max-bytes", "at least 1 byte");
  Require(c.lua_max_script_bytes >= 1, "lua-max-script-bytes", "at least 1 byte");
  Require(c.max_ttl >= 0, "max-ttl", "0 (no cap) or a number of milliseconds");
  Require(c.maxmemory >= 0, "maxmemory", "0 (no limit) or a number of bytes");
  Require(c.maxmemory_policy == "noeviction", "maxmemory-policy",
          "noeviction (locknode never evicts a lock key)");
  Require(!NormalizeLogLevel(c.log_level).empty(), "loglevel",
          "one of trace, debug, info, warn, error, critical, off, verbose, notice, warning");
  ValidateTlsConfig(c);
}

std::string DumpConfig(const CLI::App& cli, const Config& config) {
  std::ostringstream out;
  out << "# locknode " LOCKNODE_VERSION " effective configuration\n";
  if (!config.config_file.empty()) out << "# loaded from " << config.config_file << "\n";
  for (const auto& [name, value] : ConfigEntries(config)) {
    const bool settable = cli.get_option_no_throw("--" + name) != nullptr;
    if (!settable) out << "# (fixed) ";
    out << name << " = ";
    if (LooksNumeric(value)) {
      out << value << "\n";
    } else {
      out << '"' << value << "\"\n";
    }
  }
  if (!config.port_file.empty()) out << "port-file = \"" << config.port_file << "\"\n";
  if (!config.tls_port_file.empty()) {
    out << "tls-port-file = \"" << config.tls_port_file << "\"\n";
  }
  return out.str();
}

}  // namespace locknode::app

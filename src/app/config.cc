// Configuration: CLI11 flags over a config file over Config's defaults, validated once.
#include "locknode/app/config.h"

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <CLI/CLI.hpp>

#include "locknode/base/options.h"

namespace locknode::app {

namespace {

// Parser offsets are 32-bit (protocol::ArgRef), so no request may be 4 GiB or more.
constexpr int64_t kMaxRequestBytes = std::numeric_limits<uint32_t>::max();

// The words of a space-separated list ("yes no optional").
std::vector<std::string> Words(std::string_view list) {
  std::vector<std::string> words;
  std::istringstream in{std::string(list)};
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// One flag for one row of the option table. A row with its own syntax gets a parsing callback;
// any other is bound to its Config member, so CLI11 parses it as before (numbers, yes/no).
CLI::Option* AddTableOption(CLI::App& cli, const OptionSpec& spec, Config* c) {
  std::string names = "--" + std::string(spec.name);
  if (!spec.alias.empty()) names += ",--" + std::string(spec.alias);
  const std::string help(spec.help);
  if (spec.apply != nullptr) {
    return cli
        .add_option_function<std::string>(
            names,
            [&spec, c](const std::string& value) {
              const std::string error = spec.apply(value, c);
              if (!error.empty()) throw CLI::ValidationError(std::string(spec.name), error);
            },
            help)
        ->default_str(OptionText(spec, *c));
  }
  return std::visit(
      [&](auto member) -> CLI::Option* {
        if constexpr (std::is_same_v<decltype(member), std::monostate>) {
          return nullptr;
        } else {
          return cli.add_option(names, c->*member, help);
        }
      },
      spec.field);
}

// Every option of the table (base/options.h) as a flag; CLI11 reads the --config file through
// the same flags, so the file accepts exactly the table's names.
void AddTableOptions(CLI::App& cli, Config* c) {
  const CLI::AsSizeValue size_units(/*kb_is_1000=*/false);
  for (const OptionSpec& spec : OptionTable()) {
    if ((spec.flags & kOptReportOnly) != 0) continue;
    CLI::Option* option = AddTableOption(cli, spec, c);
    if (option == nullptr) continue;
    if ((spec.flags & kOptBytes) != 0) option->transform(size_units);
    if (!spec.choices.empty()) option->check(CLI::IsMember(Words(spec.choices)));
    if ((spec.flags & kOptNoDefault) == 0 && spec.apply == nullptr) option->capture_default_str();
  }
}

void AddOptions(CLI::App& cli, Config* c, CliRequest* request) {
  cli.set_config("--config", "", "Read options from this file (name = value lines)");
  // A misspelt option in a lock server's config must stop it, not be ignored silently.
  cli.allow_config_extras(CLI::config_extras_mode::error);
  cli.set_version_flag("--version", "locknode " LOCKNODE_VERSION);
  AddTableOptions(cli, c);
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

std::string DumpConfig(const Config& config) {
  std::ostringstream out;
  out << "# locknode " LOCKNODE_VERSION " effective configuration\n";
  if (!config.config_file.empty()) out << "# loaded from " << config.config_file << "\n";
  for (const OptionSpec& spec : OptionTable()) {
    const std::string value = OptionText(spec, config);
    if ((spec.flags & kOptReportOnly) != 0) out << "# (fixed) ";
    out << spec.name << " = ";
    if (LooksNumeric(value)) {
      out << value << "\n";
    } else {
      out << '"' << value << "\"\n";
    }
  }
  return out.str();
}

}  // namespace locknode::app

// Configuration: CLI11 flags over a config file over Config's defaults, validated once.
#include "locknode/app/config.h"

#include <cstdint>
#include <optional>
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

// tls-port's range is the option table's (ValidateConfig).
void ValidateTlsConfig(const Config& c) {
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
  for (const OptionSpec& spec : OptionTable()) {  // the integer ranges of the option table
    const std::optional<int64_t> value = OptionInteger(spec, c);
    if (spec.range.rule.empty() || !value) continue;
    Require(*value >= spec.range.min && *value <= spec.range.max, spec.name, spec.range.rule);
  }
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

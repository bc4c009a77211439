#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <CLI/App.hpp>

#include "locknode/base/config.h"

namespace locknode::app {

// Thrown at startup only, for a configuration that parsed but makes no sense (port 70000,
// maxclients 0...). main prints it and exits with status 1.
class ConfigError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// What the command line asked for besides the configuration itself.
struct CliRequest {
  bool dump_config = false;  // --dump-config: print the effective configuration and exit
};

// Fills *config from the command line over the --config file over Config's defaults (CLI11:
// flags win over the file). Option names are Redis's (`port`, `proto-max-bulk-len`...); byte
// sizes accept Redis-style units ("64mb"). Throws CLI::ParseError (including the --help and
// --version "errors", which cli.exit() turns into their output) and ConfigError.
CliRequest ParseCommandLine(CLI::App& cli, int argc, const char* const* argv, Config* config);

// The spdlog name for a configured log level ("notice" -> "info"), or "" if unknown.
std::string_view NormalizeLogLevel(std::string_view name);

// Checks ranges once, so nothing downstream has to. Throws ConfigError naming the option.
void ValidateConfig(const Config& config);

// The effective configuration in the format --config reads: one `name = value` line per row of
// the option table (base/options.h), so it lists what CONFIG GET lists; the report-only rows
// (save, appendonly, databases) are commented out.
std::string DumpConfig(const Config& config);

}  // namespace locknode::app

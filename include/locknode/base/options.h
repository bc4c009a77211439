#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "locknode/base/config.h"

namespace locknode {

// Where an option's value lives in Config. app binds CLI11 to the member itself, so parsing
// (numbers, yes/no, size units) is CLI11's; CONFIG GET and --dump-config format the member.
using OptionField = std::variant<std::monostate, std::string Config::*, int Config::*,
                                 int64_t Config::*, bool Config::*>;

enum OptionFlag : uint32_t {
  kOptBytes = 1U << 0,       // a byte size: accepts 1024-based units (64mb, 1gb)
  kOptReportOnly = 1U << 1,  // not an option: CONFIG GET's fixed answer to a client's probe
  kOptNoDefault = 1U << 2,   // --help does not show the default (paths, secrets)
  kOptMutable = 1U << 3,     // CONFIG SET may change it: every reader reads the Config live
};

// The accepted values of an integer option, checked once at startup (app ValidateConfig): an
// empty `rule` means any value; else a value outside [min, max] stops the server with
// "<name> must be <rule>".
struct OptionRange {
  int64_t min = 0;
  int64_t max = 0;
  std::string_view rule;
};

// One row of THE option table. Every consumer is derived from the table: the command-line flags
// and the config file (app/config.cc, CLI11 reads the file through the same flags), CONFIG GET
// and CONFIG SET (command/server_cmds.cc), --dump-config, the range checks at startup, and the
// test that README.md and
// conf/locknode.conf document exactly these options. An option added here shows up everywhere;
// one missing here exists nowhere.
struct OptionSpec {
  std::string_view name;  // the config-file and CONFIG GET name; the flag is --<name>
  std::string_view help;  // --help text
  OptionField field;      // the Config member (monostate: `text`/`apply` or report-only)
  uint32_t flags = 0;
  OptionRange range = {};
  std::string_view alias = {};    // a second flag spelling ("log-level" for loglevel)
  std::string_view choices = {};  // space-separated accepted values; "" = any
  // A value with its own syntax (client-output-buffer-limit): formats it, and applies a
  // configured text (returns "" or Redis's error message).
  std::string (*text)(const Config&) = nullptr;
  std::string (*apply)(std::string_view value, Config* config) = nullptr;
  std::string_view fixed = {};  // kOptReportOnly: the value CONFIG GET answers
};

// Every option, in the order CONFIG GET * and --dump-config list them.
std::span<const OptionSpec> OptionTable();

// The option named `name` (case-insensitive, as CONFIG GET/SET match), or nullptr.
const OptionSpec* FindOption(std::string_view name);

// The option's value as CONFIG GET shows it and --config reads it back: numbers in decimal
// (bytes unscaled), bools as yes/no.
std::string OptionText(const OptionSpec& option, const Config& config);

// The value of an integer option, or nullopt for any other kind.
std::optional<int64_t> OptionInteger(const OptionSpec& option, const Config& config);

// CONFIG SET's parse of `value` into option's member of *config, with the option's range.
// Returns "" on success, else Redis's reason ("argument couldn't be parsed into an integer",
// "argument must be between 0 and 10 inclusive", "argument must be 'yes' or 'no'").
std::string SetOptionText(const OptionSpec& option, std::string_view value, Config* config);

// CONFIG REWRITE: the file's `name = value` lines of mutable options get their current values,
// mutable options it does not state and that differ from the default are appended; comments
// and every other line stay. Returns "" or the reason (strerror text).
std::string RewriteConfigFile(const std::string& path, const Config& config);

// client-output-buffer-limit in Redis's syntax, one or more `<class> <hard> <soft> <seconds>`
// groups. `normal` and `pubsub` are stored; `replica`/`slave` are accepted and ignored
// (locknode has no replicas), so a line copied from redis.conf works. Returns
// "" on success, else Redis's reason ("Invalid client class specified in buffer limit
// configuration.").
std::string ApplyOutputBufferLimit(std::string_view text, Config* config);

// notify-keyspace-events at startup: the configured letters as given, and their check (Redis's
// "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."). CONFIG GET shows the live value,
// normalized (command/keyspace_events.h).
std::string KeyspaceEventsOptionText(const Config& config);
std::string ApplyKeyspaceEventsOption(std::string_view text, Config* config);

// Redis memtoull: digits with an optional unit, case-insensitive: b, k/m/g (powers of 1000),
// kb/mb/gb (powers of 1024). nullopt on anything else, including a sign or overflow.
std::optional<int64_t> ParseMemorySize(std::string_view text);

}  // namespace locknode

// THE option table (include/locknode/base/options.h). conf/locknode.conf explains each default.
#include "locknode/base/options.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <vector>

#include "locknode/base/strings.h"

namespace locknode {
namespace {

// Parser offsets are 32-bit (protocol::ArgRef), so no request may be 4 GiB or more.
constexpr int64_t kMaxRequestBytes = std::numeric_limits<uint32_t>::max();
constexpr int64_t kAny = std::numeric_limits<int64_t>::max();

// Flags shorthands for the rows below.
constexpr uint32_t kBytes = kOptBytes;
constexpr uint32_t kHide = kOptNoDefault;
constexpr uint32_t kMutable = kOptMutable;

const OptionSpec kOptions[] = {
    {"bind", "Addresses to listen on, space-separated", &Config::bind},
    {"port", "TCP port; 0 picks a free one", &Config::port, 0, {0, 65535, "between 0 and 65535"}},
    {"port-file", "Write the bound port to this file", &Config::port_file, kHide},
    {"maxclients", "Maximum simultaneous clients", &Config::maxclients, 0, {1, kAny, "at least 1"}},
    {"io-uring", "Batch plain-TCP recv/send through io_uring where the kernel allows it",
     &Config::io_uring},
    {"timeout",
     "Close clients idle this many seconds; 0 = never",
     &Config::timeout,
     0,
     {0, kAny, "0 (never) or a number of seconds"}},
    {"requirepass", "Password clients must AUTH with", &Config::requirepass, kHide},
    {"protected-mode", "Without requirepass, serve loopback clients only (-DENIED to others)",
     &Config::protected_mode},
    {"maxclients-loopback-reserve",
     "Extra client slots beyond maxclients for loopback peers only",
     &Config::maxclients_loopback_reserve,
     0,
     {0, 1000, "between 0 and 1000"}},
    {"proto-max-bulk-len",
     "Largest bulk argument",
     &Config::proto_max_bulk_len,
     kBytes,
     {1, kMaxRequestBytes - 1, "between 1 and 4294967294"}},
    {"client-query-buffer-limit",
     "Largest pending request per client",
     &Config::client_query_buffer_limit,
     kBytes,
     {1, kMaxRequestBytes, "between 1 and 4294967295"}},
    {"client-output-buffer-limit",
     "<class> <hard> <soft> <soft-seconds> (class normal or pubsub): close a client whose queued "
     "replies pass <hard>, or stay above <soft> for <soft-seconds>; 0 = off",
     {},
     0,
     {},
     {},
     {},
     OutputBufferLimitText,
     ApplyOutputBufferLimit},
    {"notify-keyspace-events",
     "Keyspace notification classes, Redis's letters (e.g. KEA, Kg$x); empty = none",
     {},
     kMutable,
     {},
     {},
     {},
     KeyspaceEventsOptionText,
     ApplyKeyspaceEventsOption},
    {"client-request-timeout-ms",
     "Close a client whose request is still incomplete this long after its first byte; 0 = never",
     &Config::client_request_timeout_ms,
     0,
     {0, kAny, "0 (no deadline) or a number of milliseconds"}},
    {"maxmemory-clients",
     "All clients' buffers together; past it the biggest clients are closed; 0 = off",
     &Config::maxmemory_clients,
     kBytes,
     {0, kAny, "0 (no limit) or a number of bytes"}},
    {"proto-max-multibulk-len",
     "Most arguments in one request",
     &Config::proto_max_multibulk_len,
     0,
     {1, std::numeric_limits<int32_t>::max(), "between 1 and 2147483647"}},
    {"proto-inline-max-size",
     "Longest inline request or length line",
     &Config::proto_inline_max_size,
     kBytes,
     // Below ~1 KiB even a lock request sent inline by hand (redis-cli, telnet) would not fit.
     {1024, kMaxRequestBytes, "between 1024 and 4294967295"}},
    {"loglevel",
     "trace|debug|info|warn|error|critical|off (or Redis's verbose|notice|warning)",
     &Config::log_level,
     0,
     {},
     "log-level"},
    // Restart safety and TTL policy (SAFETY.md G3, F2-F5).
    {"lease-file", "Restart safety: keep the lease watermark here; \"\" = off", &Config::lease_file,
     kHide},
    {"max-ttl",
     "Longest TTL in ms (longer ones are refused); 0 = none",
     &Config::max_ttl,
     0,
     {0, kAny, "0 (no cap) or a number of milliseconds"}},
    {"require-ttl", "Refuse writes that leave a key without a TTL", &Config::require_ttl},
    {"maxmemory",
     "Key memory limit (-OOM beyond); 0 = none",
     &Config::maxmemory,
     kBytes | kMutable,
     {0, kAny, "0 (no limit) or a number of bytes"}},
    // Accepted so a Redis-style file states it; any other policy would evict lock keys.
    {"maxmemory-policy", "Only noeviction", &Config::maxmemory_policy},
    // Clients gate features on it (README "Reported version"): StackExchange.Redis uses DELEX /
    // SET IFEQ for LockRelease/LockExtend from 8.4 on, WATCH/MULTI/EXEC below.
    {"redis-version", "Redis version reported by INFO, HELLO and redis.REDIS_VERSION",
     &Config::redis_version},
    {"fencing-keys",
     "Glob of INCR counters that never go backwards across restarts (needs lease-file); "
     "\"\" = off",
     &Config::fencing_keys, kHide},
    // Fixed answers for what clients probe (redis-benchmark: save/appendonly; SE.Redis:
    // databases): locknode keeps no persistence and has one database. Not options.
    {"save", "", {}, kOptReportOnly, {}, {}, {}, nullptr, nullptr, ""},
    {"appendonly", "", {}, kOptReportOnly, {}, {}, {}, nullptr, nullptr, "no"},
    {"databases", "", {}, kOptReportOnly, {}, {}, {}, nullptr, nullptr, "1"},
    // EVAL/EVALSHA budgets.
    {"lua-fast-path", "Run recognised lock scripts natively", &Config::lua_fast_path},
    {"lua-time-limit",
     "Milliseconds per script",
     &Config::lua_time_limit,
     0,
     {1, kAny, "at least 1 (milliseconds)"}},
    {"lua-instruction-limit",
     "Lua VM instructions per script; 0 = no limit",
     &Config::lua_instruction_limit,
     0,
     {0, kAny, "0 (no limit) or more"}},
    {"lua-memory-limit",
     "Lua heap one script may add",
     &Config::lua_memory_limit,
     kBytes,
     {1, kAny, "at least 1 byte"}},
    {"lua-max-scripts",
     "Cached scripts (LRU beyond)",
     &Config::lua_max_scripts,
     0,
     {1, kAny, "at least 1"}},
    {"lua-cache-max-bytes",
     "Sum of cached script bodies",
     &Config::lua_cache_max_bytes,
     kBytes,
     {1, kAny, "at least 1 byte"}},
    {"lua-max-script-bytes",
     "Largest script body",
     &Config::lua_max_script_bytes,
     kBytes,
     {1, kAny, "at least 1 byte"}},
    // TLS (Redis's option names).
    {"tls-port",
     "TLS port; 0 = no TLS (with --tls-port-file: free)",
     &Config::tls_port,
     0,
     {0, 65535, "between 0 and 65535"}},
    {"tls-port-file", "Write the bound TLS port to this file", &Config::tls_port_file, kHide},
    {"tls-cert-file", "Server certificate chain (PEM)", &Config::tls_cert_file, kHide},
    {"tls-key-file", "Server private key (PEM)", &Config::tls_key_file, kHide},
    {"tls-key-file-pass", "Passphrase of --tls-key-file", &Config::tls_key_file_pass, kHide},
    {"tls-ca-cert-file", "CA certificates for clients (PEM)", &Config::tls_ca_cert_file, kHide},
    {"tls-ca-cert-dir", "CA directory (OpenSSL hashed names)", &Config::tls_ca_cert_dir, kHide},
    {"tls-auth-clients",
     "yes: clients need a certificate; optional: verified if sent; no",
     &Config::tls_auth_clients,
     0,
     {},
     {},
     "yes no optional"},
    {"tls-protocols", "Space-separated: TLSv1.2 TLSv1.3", &Config::tls_protocols},
    {"tls-ciphers", "TLS 1.2 cipher list (OpenSSL syntax)", &Config::tls_ciphers, kHide},
    {"tls-ciphersuites", "TLS 1.3 cipher suites", &Config::tls_ciphersuites, kHide},
    {"tls-handshake-timeout", "Milliseconds a TLS handshake may take",
     &Config::tls_handshake_timeout},
    // Operating: what SLOWLOG and LATENCY record (Redis's names and defaults).
    {"slowlog-log-slower-than",
     "Microseconds from which a command is logged in SLOWLOG; negative = off",
     &Config::slowlog_log_slower_than,
     kMutable,
     {-1, kAny, "-1 (off) or a number of microseconds"}},
    {"slowlog-max-len",
     "SLOWLOG entries kept",
     &Config::slowlog_max_len,
     kMutable,
     {0, kAny, "0 or more"}},
    {"latency-monitor-threshold",
     "Milliseconds from which LATENCY records a command; 0 = off",
     &Config::latency_monitor_threshold,
     kMutable,
     {0, kAny, "0 (off) or a number of milliseconds"}},
};

}  // namespace

std::span<const OptionSpec> OptionTable() { return kOptions; }

const OptionSpec* FindOption(std::string_view name) {
  for (const OptionSpec& option : kOptions) {
    if (EqualsIgnoreCase(option.name, name)) return &option;
  }
  return nullptr;
}

std::string OptionText(const OptionSpec& option, const Config& config) {
  if ((option.flags & kOptReportOnly) != 0) return std::string(option.fixed);
  if (option.text != nullptr) return option.text(config);
  struct Format {
    const Config& c;
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(std::string Config::*m) const { return c.*m; }
    std::string operator()(int Config::*m) const { return std::to_string(c.*m); }
    std::string operator()(int64_t Config::*m) const { return std::to_string(c.*m); }
    std::string operator()(bool Config::*m) const { return c.*m ? "yes" : "no"; }
  };
  return std::visit(Format{config}, option.field);
}

std::optional<int64_t> OptionInteger(const OptionSpec& option, const Config& config) {
  if (const auto* m = std::get_if<int Config::*>(&option.field)) return config.**m;
  if (const auto* m = std::get_if<int64_t Config::*>(&option.field)) return config.**m;
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> ConfigEntries(const Config& config) {
  std::vector<std::pair<std::string, std::string>> entries;
  entries.reserve(std::size(kOptions));
  for (const OptionSpec& option : kOptions) {
    entries.emplace_back(std::string(option.name), OptionText(option, config));
  }
  return entries;
}

std::optional<int64_t> ParseMemorySize(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) return std::nullopt;
  const std::string_view unit = text.substr(digits);
  struct Unit {
    std::string_view name;
    int64_t factor;
  };
  static constexpr Unit kUnits[] = {
      {"", 1},           {"b", 1},
      {"k", 1000},       {"kb", 1024},
      {"m", 1000000},    {"mb", 1024LL * 1024},
      {"g", 1000000000}, {"gb", 1024LL * 1024 * 1024},
  };
  std::optional<int64_t> factor;
  for (const Unit& u : kUnits) {
    if (EqualsIgnoreCase(unit, u.name)) factor = u.factor;
  }
  // The digits alone go through the strict parser: no leading zeros trick, no overflow.
  const std::optional<int64_t> number = ParseInt64(text.substr(0, digits));
  if (!factor || !number || *number > std::numeric_limits<int64_t>::max() / *factor) {
    return std::nullopt;
  }
  return *number * *factor;
}

std::string KeyspaceEventsOptionText(const Config& config) { return config.notify_keyspace_events; }

// Only the letters are checked here (base knows nothing of the classes' meaning): Redis's
// keyspaceEventsStringToFlags accepts exactly "Ag$lshzxeKEtmdn".
std::string ApplyKeyspaceEventsOption(std::string_view text, Config* config) {
  if (text.find_first_not_of("Ag$lshzxeKEtmdn") != std::string_view::npos) {
    return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
  }
  config->notify_keyspace_events = std::string(text);
  return "";
}

std::string SetOptionText(const OptionSpec& option, std::string_view value, Config* config) {
  if (option.apply != nullptr) return option.apply(value, config);
  if (const auto* member = std::get_if<bool Config::*>(&option.field)) {
    if (EqualsIgnoreCase(value, "yes")) {
      config->** member = true;
    } else if (EqualsIgnoreCase(value, "no")) {
      config->** member = false;
    } else {
      return "argument must be 'yes' or 'no'";
    }
    return "";
  }
  if (const auto* member = std::get_if<std::string Config::*>(&option.field)) {
    config->** member = std::string(value);
    return "";
  }
  // Integers: memory units for byte sizes (Redis memtoull), a plain number otherwise.
  const std::optional<int64_t> number =
      (option.flags & kOptBytes) != 0 ? ParseMemorySize(value) : ParseInt64(value);
  if (!number) return "argument couldn't be parsed into an integer";
  if (!option.range.rule.empty() && (*number < option.range.min || *number > option.range.max)) {
    return "argument must be between " + std::to_string(option.range.min) + " and " +
           std::to_string(option.range.max) + " inclusive";
  }
  if (const auto* member = std::get_if<int64_t Config::*>(&option.field)) {
    config->** member = *number;
  } else if (const auto* small = std::get_if<int Config::*>(&option.field)) {
    if (*number < std::numeric_limits<int>::min() || *number > std::numeric_limits<int>::max()) {
      return "argument couldn't be parsed into an integer";
    }
    config->** small = static_cast<int>(*number);
  } else {
    return "can't set immutable config";
  }
  return "";
}

std::string RewriteConfigFile(const std::string& path, const Config& config) {
  std::ifstream in(path);
  if (!in) return std::strerror(errno);
  const Config defaults;
  std::vector<bool> seen(std::size(kOptions), false);
  std::string text;
  const std::regex assignment(R"(^\s*([a-z][a-z0-9-]*)\s*=.*$)");
  std::smatch match;
  for (std::string line; std::getline(in, line);) {
    if (std::regex_match(line, match, assignment)) {
      // A copy: `match` points into `line`, which the loop may replace.
      const std::string name = match[1].str();
      for (size_t i = 0; i < std::size(kOptions); ++i) {
        const OptionSpec& o = kOptions[i];
        if ((o.flags & kOptMutable) == 0 || o.name != name) continue;
        line = std::string(o.name) + " = " + OptionText(o, config);
        seen[i] = true;
      }
    }
    text += line + "\n";
  }
  // Redis appends what the file did not state and differs from the default.
  for (size_t i = 0; i < std::size(kOptions); ++i) {
    const OptionSpec& o = kOptions[i];
    if ((o.flags & kOptMutable) == 0 || seen[i]) continue;
    const std::string value = OptionText(o, config);
    if (value != OptionText(o, defaults)) text += std::string(o.name) + " = " + value + "\n";
  }
  // Written beside and renamed over, so a crash leaves the old file or the new one.
  const std::string tmp = path + ".tmp";
  std::FILE* out = std::fopen(tmp.c_str(), "w");
  if (out == nullptr) return std::strerror(errno);
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  const bool closed = std::fclose(out) == 0;
  if (!written || !closed || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return why;
  }
  return "";
}

std::string ApplyOutputBufferLimit(std::string_view text, Config* config) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string word; in >> word;) words.push_back(word);
  // Redis's own messages (config.c, client-output-buffer-limit), one per failure.
  if (words.empty() || words.size() % 4 != 0) {
    return "Wrong number of arguments in buffer limit configuration.";
  }
  for (size_t i = 0; i < words.size(); i += 4) {
    const std::string_view cls = words[i];
    const bool normal = EqualsIgnoreCase(cls, "normal");
    if (!normal && !EqualsIgnoreCase(cls, "replica") && !EqualsIgnoreCase(cls, "slave") &&
        !EqualsIgnoreCase(cls, "pubsub")) {
      return "Invalid client class specified in buffer limit configuration.";
    }
    const std::optional<int64_t> hard = ParseMemorySize(words[i + 1]);
    const std::optional<int64_t> soft = ParseMemorySize(words[i + 2]);
    const std::optional<int64_t> seconds = ParseInt64(words[i + 3]);
    if (!hard || !soft || !seconds || *seconds < 0) {
      return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
    }
    if (normal) {
      config->client_output_hard_limit = *hard;
      config->client_output_soft_limit = *soft;
      config->client_output_soft_seconds = *seconds;
    } else if (EqualsIgnoreCase(cls, "pubsub")) {
      config->client_output_pubsub_hard_limit = *hard;
      config->client_output_pubsub_soft_limit = *soft;
      config->client_output_pubsub_soft_seconds = *seconds;
    }  // replica/slave: no replicas, nothing to limit
  }
  return "";
}

}  // namespace locknode

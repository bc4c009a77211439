// client-output-buffer-limit, client-request-timeout-ms and maxmemory-clients (conf/locknode.conf
// explains each default).
#include "client_limit_options.h"

#include <cctype>
#include <limits>
#include <sstream>
#include <vector>

#include "locknode/base/strings.h"

namespace locknode::app {

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
      {"", 1},          {"b", 1},
      {"k", 1000},      {"kb", 1024},
      {"m", 1000000},   {"mb", 1024 * 1024},
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
    if (!normal) continue;  // no replicas, no pub/sub: nothing to limit
    config->client_output_hard_limit = *hard;
    config->client_output_soft_limit = *soft;
    config->client_output_soft_seconds = *seconds;
  }
  return "";
}

void AddClientLimitOptions(CLI::App& cli, Config* c) {
  cli.add_option_function<std::string>(
         "--client-output-buffer-limit",
         [c](const std::string& value) {
           const std::string error = ApplyOutputBufferLimit(value, c);
           if (!error.empty()) throw CLI::ValidationError("client-output-buffer-limit", error);
         },
         "normal <hard> <soft> <soft-seconds>: close a client whose queued replies pass <hard>, "
         "or stay above <soft> for <soft-seconds>; 0 = off")
      ->default_str(OutputBufferLimitText(*c));
  cli.add_option("--client-request-timeout-ms", c->client_request_timeout_ms,
                 "Close a client whose request is still incomplete this long after its first "
                 "byte; 0 = never")
      ->capture_default_str();
  cli.add_option("--maxmemory-clients", c->maxmemory_clients,
                 "All clients' buffers together; past it the biggest clients are closed; 0 = off")
      ->transform(CLI::AsSizeValue(/*kb_is_1000=*/false))
      ->capture_default_str();
}

}  // namespace locknode::app

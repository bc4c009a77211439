#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace locknode {

// Every server option, as a plain aggregate. Loaded and validated once by app (CLI11 flags over a
// config file over these defaults) and passed by const& from then on; there is no global config.
// Names follow Redis where Redis has the option. conf/locknode.conf documents each one.
struct Config {
  std::string bind = "127.0.0.1";
  int port = 6379;                       // 0: pick a free port and log it
  std::string port_file;                 // if set, the bound port is written here (for tests)
  int64_t maxclients = 10000;
  int64_t timeout = 0;                   // idle seconds before closing a client; 0 = never
  std::string requirepass;               // empty: no password
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;        // Redis default 512 MB
  int64_t client_query_buffer_limit = 1024LL * 1024 * 1024;  // Redis default 1 GB
  int64_t proto_max_multibulk_len = 1024LL * 1024;           // arguments per command
  std::string log_level = "info";
  std::string config_file;               // the file that was loaded, if any (for INFO/banner)
};

// The options as (redis-style name, value) pairs, in a fixed order. Serves CONFIG GET and
// --dump-config so both list exactly the same options.
std::vector<std::pair<std::string, std::string>> ConfigEntries(const Config& config);

}  // namespace locknode

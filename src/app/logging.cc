// spdlog setup and the startup banner.
#include <unistd.h>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "locknode/app/config.h"
#include "locknode/app/run.h"
#include "locknode/net/server.h"

namespace locknode::app {

void SetupLogging(const Config& config) {
  // stderr keeps stdout free for --dump-config and --version; the color sink flushes each line,
  // so the log survives a crash and shows up promptly under a supervisor.
  auto logger = spdlog::stderr_color_mt("locknode");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %P [%^%l%$] %v");
  const std::string_view level = NormalizeLogLevel(config.log_level);
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
}

void LogStarting() { spdlog::info("locknode {} starting, pid {}", LOCKNODE_VERSION, ::getpid()); }

void LogBanner(const Config& config, const net::Server& server) {
  spdlog::info("config file: {}", config.config_file.empty() ? "(none)" : config.config_file);
  spdlog::info("bind {} port {}{}", config.bind, server.BoundPort(),
               PlainTcpEnabled(config) ? "" : " (plain TCP off: TLS only)");
  if (TlsEnabled(config)) {
    spdlog::info("tls: port {}, tls-auth-clients {}, protocols {}, handshake timeout {} ms",
                 server.BoundTlsPort(), config.tls_auth_clients, config.tls_protocols,
                 config.tls_handshake_timeout);
  }
  spdlog::info(
      "limits: maxclients {}, proto-max-bulk-len {}, client-query-buffer-limit {}, "
      "proto-max-multibulk-len {}, timeout {}s",
      config.maxclients, config.proto_max_bulk_len, config.client_query_buffer_limit,
      config.proto_max_multibulk_len, config.timeout);
  spdlog::info(
      "client limits: client-output-buffer-limit {}, client-request-timeout-ms {}, "
      "maxmemory-clients {}",
      OutputBufferLimitText(config), config.client_request_timeout_ms, config.maxmemory_clients);
  spdlog::info("scripts: fast path {}, lua-time-limit {} ms, lua-instruction-limit {}",
               config.lua_fast_path ? "on" : "off", config.lua_time_limit,
               config.lua_instruction_limit);
  spdlog::info("auth: {}, protected-mode {}, maxclients-loopback-reserve {}",
               config.requirepass.empty() ? "off" : "requirepass set",
               config.protected_mode ? "yes" : "no", config.maxclients_loopback_reserve);
  spdlog::info("clock source: steady_clock (monotonic)");
}

}  // namespace locknode::app

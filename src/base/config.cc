#include "locknode/base/config.h"

namespace locknode {

std::string OutputBufferLimitText(const Config& c) {
  // Redis's CONFIG GET form, bytes unscaled: "normal 67108864 16777216 60".
  return "normal " + std::to_string(c.client_output_hard_limit) + " " +
         std::to_string(c.client_output_soft_limit) + " " +
         std::to_string(c.client_output_soft_seconds);
}

std::vector<std::pair<std::string, std::string>> ConfigEntries(const Config& c) {
  return {
      {"bind", c.bind},
      {"port", std::to_string(c.port)},
      {"maxclients", std::to_string(c.maxclients)},
      {"timeout", std::to_string(c.timeout)},
      {"requirepass", c.requirepass},
      {"protected-mode", c.protected_mode ? "yes" : "no"},
      {"maxclients-loopback-reserve", std::to_string(c.maxclients_loopback_reserve)},
      {"proto-max-bulk-len", std::to_string(c.proto_max_bulk_len)},
      {"client-query-buffer-limit", std::to_string(c.client_query_buffer_limit)},
      {"client-output-buffer-limit", OutputBufferLimitText(c)},
      {"client-request-timeout-ms", std::to_string(c.client_request_timeout_ms)},
      {"maxmemory-clients", std::to_string(c.maxmemory_clients)},
      {"proto-max-multibulk-len", std::to_string(c.proto_max_multibulk_len)},
      {"proto-inline-max-size", std::to_string(c.proto_inline_max_size)},
      {"loglevel", c.log_level},
      {"lease-file", c.lease_file},
      {"max-ttl", std::to_string(c.max_ttl)},
      {"require-ttl", c.require_ttl ? "yes" : "no"},
      {"maxmemory", std::to_string(c.maxmemory)},
      {"maxmemory-policy", c.maxmemory_policy},  // always noeviction
      // Fixed answers for what clients probe (redis-benchmark: save/appendonly; SE.Redis:
      // databases) — locknode keeps no persistence and has one database.
      {"save", ""},
      {"appendonly", "no"},
      {"databases", "1"},
      {"lua-fast-path", c.lua_fast_path ? "yes" : "no"},
      {"lua-time-limit", std::to_string(c.lua_time_limit)},
      {"lua-instruction-limit", std::to_string(c.lua_instruction_limit)},
      {"lua-memory-limit", std::to_string(c.lua_memory_limit)},
      {"lua-max-scripts", std::to_string(c.lua_max_scripts)},
      {"lua-cache-max-bytes", std::to_string(c.lua_cache_max_bytes)},
      {"lua-max-script-bytes", std::to_string(c.lua_max_script_bytes)},
      {"tls-port", std::to_string(c.tls_port)},
      {"tls-cert-file", c.tls_cert_file},
      {"tls-key-file", c.tls_key_file},
      {"tls-key-file-pass", c.tls_key_file_pass},
      {"tls-ca-cert-file", c.tls_ca_cert_file},
      {"tls-ca-cert-dir", c.tls_ca_cert_dir},
      {"tls-auth-clients", c.tls_auth_clients},
      {"tls-protocols", c.tls_protocols},
      {"tls-ciphers", c.tls_ciphers},
      {"tls-ciphersuites", c.tls_ciphersuites},
      {"tls-handshake-timeout", std::to_string(c.tls_handshake_timeout)},
  };
}

}  // namespace locknode

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
  int port = 6379;        // 0: pick a free port and log it
  std::string port_file;  // if set, the bound port is written here (for tests)
  int64_t maxclients = 10000;
  int64_t timeout = 0;      // idle seconds before closing a client; 0 = never
  std::string requirepass;  // empty: no password
  // Admission (net/admission.h). Protected mode as in Redis: with no requirepass, only loopback
  // peers are served and others get -DENIED. The reserve is locknode's: slots beyond maxclients
  // that only loopback peers may take, so a local operator or probe gets in during a flood.
  // maxclients is lowered at startup to fit RLIMIT_NOFILE (app/file_limit.h).
  bool protected_mode = true;
  int64_t maxclients_loopback_reserve = 4;
  // Request limits sized for locks, not Redis's 512 MB / 1 GB / 1M (conf/locknode.conf: why).
  int64_t proto_max_bulk_len = 1024LL * 1024;             // Redis 512 MB; its minimum is 1 MB
  int64_t client_query_buffer_limit = 4LL * 1024 * 1024;  // Redis 1 GB
  // Per-client and all-client buffer limits (SAFETY.md §5; net/client_limits.h). Redis leaves
  // normal clients' output and the total unlimited; conf/locknode.conf says why these defaults.
  int64_t client_output_hard_limit = 64LL * 1024 * 1024;  // client-output-buffer-limit normal
  int64_t client_output_soft_limit = 16LL * 1024 * 1024;  //   <hard> <soft> <soft-seconds>;
  int64_t client_output_soft_seconds = 60;                //   0 bytes = that limit is off
  // client-output-buffer-limit pubsub: a subscriber (any subscription) that does not read what
  // is published to it. Redis's default.
  int64_t client_output_pubsub_hard_limit = 32LL * 1024 * 1024;
  int64_t client_output_pubsub_soft_limit = 8LL * 1024 * 1024;
  int64_t client_output_pubsub_soft_seconds = 60;
  // Keyspace notification classes at startup, Redis's letters (CONFIG SET changes them live).
  std::string notify_keyspace_events;
  int64_t client_request_timeout_ms = 10000;        // a request's last byte must arrive this soon
                                                    // after its first; 0 = no deadline
  int64_t maxmemory_clients = 256LL * 1024 * 1024;  // all clients' buffers; 0 = no limit
  int64_t proto_max_multibulk_len = 65536;          // arguments per command; Redis 1M
  int64_t proto_inline_max_size = 65536;            // inline request / length line (Redis's fixed
                                                    // PROTO_INLINE_MAX_SIZE)
  std::string log_level = "info";
  std::string config_file;  // the file that was loaded, if any (for INFO/banner)
  // Lock safety (SAFETY.md G3, F2-F5). All off by default; conf/redlock/profile.conf turns
  // them on. See command/lease_guard.h.
  std::string lease_file;    // restart safety: refuse lock writes after a restart
                             // until every earlier grant expired; "" = off
  int64_t max_ttl = 0;       // ms; longer TTLs are rejected (never clamped); 0 = none
  bool require_ttl = false;  // refuse writes that leave a key without a TTL
  int64_t maxmemory = 0;     // bytes of key memory; past it writes get -OOM; 0 = none
  std::string maxmemory_policy = "noeviction";  // the only one accepted
  // The Redis version INFO, HELLO and Lua's redis.REDIS_VERSION report (README: "Reported
  // version"). 8.4.0: StackExchange.Redis then releases and extends locks with DELEX/SET IFEQ.
  std::string redis_version = "8.4.0";
  // Glob of counter keys whose INCR family never goes backwards across restarts (needs
  // lease-file; README "Fencing tokens"). "" = off.
  std::string fencing_keys;
  // Scripting (EVAL). A script over a budget is aborted and its writes are rolled back.
  bool lua_fast_path = true;  // run recognised lock scripts natively (A/B switch)
  bool io_uring = true;  // batch plain-TCP socket calls through io_uring where the kernel allows
  int64_t lua_time_limit = 1000;                  // ms per script (Redis lua-time-limit is 5000 and
                                                  // only warns; a lock script takes microseconds)
  int64_t lua_instruction_limit = 100'000'000;    // Lua VM instructions per script; 0 = no limit
  int64_t lua_memory_limit = 32LL * 1024 * 1024;  // bytes one script may add to the Lua heap
  int64_t lua_max_scripts = 1000;  // cached scripts; least recently used evicted beyond
  int64_t lua_cache_max_bytes = 16LL * 1024 * 1024;  // sum of cached script bodies
  int64_t lua_max_script_bytes = 1024LL * 1024;      // one script body
  // TLS (Redis's names; conf/locknode.conf documents each). Off unless tls-port or
  // tls-port-file is set; see TlsEnabled/PlainTcpEnabled for how port 0 is read then.
  int tls_port = 0;                      // 0: no TLS (Redis); with tls-port-file: a free port
  std::string tls_port_file;             // if set, the bound TLS port is written here (tests)
  std::string tls_cert_file;             // PEM chain, server certificate first
  std::string tls_key_file;              // PEM private key
  std::string tls_key_file_pass;         // passphrase of tls_key_file; "" = unencrypted
  std::string tls_ca_cert_file;          // CAs that sign client certificates
  std::string tls_ca_cert_dir;           // same, as an OpenSSL hashed directory
  std::string tls_auth_clients = "yes";  // yes (mutual TLS, Redis's default) | optional | no
  std::string tls_protocols = "TLSv1.2 TLSv1.3";  // TLS 1.2 is the floor
  std::string tls_ciphers;                        // TLS <= 1.2 cipher list; "" = OpenSSL's default
  std::string tls_ciphersuites;                   // TLS 1.3 suites; "" = OpenSSL's default
  int64_t tls_handshake_timeout = 5000;  // ms a connection may take to finish its handshake
  // Operating (Redis's names and defaults; CONFIG SET changes them at run time).
  int64_t slowlog_log_slower_than = 10000;  // us; a command this slow goes to SLOWLOG; <0 = off
  int64_t slowlog_max_len = 128;            // SLOWLOG entries kept
  int64_t latency_monitor_threshold = 0;    // ms; LATENCY records commands this slow; 0 = off
};

// TLS is on when a TLS port is asked for (tls-port, or tls-port-file for a free one).
inline bool TlsEnabled(const Config& c) { return c.tls_port != 0 || !c.tls_port_file.empty(); }

// The plain TCP listener is off in one case: TLS on and `port 0` without a port file. That is
// Redis's "port 0" (TLS only), so a Redis TLS-only config never opens a plaintext port here;
// elsewhere locknode's `port 0` means "a free port" (with port-file, for tests).
inline bool PlainTcpEnabled(const Config& c) {
  return !(TlsEnabled(c) && c.port == 0 && c.port_file.empty());
}

// The option table's rows (base/options.h) as (name, value) pairs, in its order: CONFIG GET's
// answer.
std::vector<std::pair<std::string, std::string>> ConfigEntries(const Config& config);

// client-output-buffer-limit as CONFIG GET shows it and --config reads it back:
// "normal <hard> <soft> <soft-seconds> pubsub <hard> <soft> <soft-seconds>", sizes in bytes.
std::string OutputBufferLimitText(const Config& config);

}  // namespace locknode

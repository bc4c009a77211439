// Admission of new connections: maxclients with loopback-only reserve slots, protected mode.
#include "admission.h"

#include <spdlog/spdlog.h>

namespace locknode::net {

namespace {

// redis-server 7.0.15, networking.c clientAcceptHandler, byte for byte (captured from a real
// server bound to 0.0.0.0 and reached over a non-loopback address). It mentions CONFIG SET,
// which locknode refuses for every option; the text stays Redis's because clients and
// operators search for it, and items 2-4 apply as written.
constexpr std::string_view kDeniedReply =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redis you may adopt "
    "one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    "SET protected-mode no' from the loopback interface by connecting to Redis from the same "
    "host the server is running, however MAKE SURE Redis is not publicly accessible from "
    "internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively "
    "you can just disable the protected mode by editing the Redis configuration file, and "
    "setting the protected mode option to 'no', and then restarting the server. 3) If you "
    "started the server manually just for testing, restart it with the '--protected-mode no' "
    "option. 4) Setup a an authentication password for the default user. NOTE: You only need to "
    "do one of the above things in order for the server to start accepting connections from the "
    "outside.\r\n";

constexpr std::string_view kMaxClientsReply = "-ERR max number of clients reached\r\n";

}  // namespace

bool IsLoopback(const boost::asio::ip::address& address) {
  if (address.is_v4()) return address.to_v4().is_loopback();  // 127.0.0.0/8
  const boost::asio::ip::address_v6 v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).is_loopback();
  }
  return v6.is_loopback();  // ::1
}

Admission Admit(const Config& config, size_t clients, bool loopback_peer) {
  const auto slots = static_cast<size_t>(config.maxclients +
                                         (loopback_peer ? config.maxclients_loopback_reserve : 0));
  if (clients >= slots) return Admission::kMaxClients;
  if (config.protected_mode && config.requirepass.empty() && !loopback_peer) {
    return Admission::kProtectedMode;
  }
  return Admission::kAccept;
}

std::string_view RejectionReply(Admission verdict) {
  return verdict == Admission::kProtectedMode ? kDeniedReply : kMaxClientsReply;
}

void WarnIfExposed(const Config& config, const boost::asio::ip::address& bound) {
  if (!config.requirepass.empty() || IsLoopback(bound)) return;
  if (config.protected_mode) {
    spdlog::warn(
        "listening on non-loopback {} without requirepass: protected mode answers every "
        "non-loopback client with -DENIED; set requirepass to serve them",
        bound.to_string());
  } else {
    spdlog::warn(
        "listening on non-loopback {} with protected-mode off and no requirepass: any host that "
        "can reach it can take, overwrite or delete every lock",
        bound.to_string());
  }
}

}  // namespace locknode::net

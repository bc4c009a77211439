#pragma once

#include <cstddef>
#include <string_view>

#include <boost/asio/ip/address.hpp>

#include "locknode/base/config.h"

// Who may connect: the decision the accept loop makes before a Session exists (Redis
// acceptCommonHandler + clientAcceptHandler), kept apart from the socket handling so it can be
// tested alone.
namespace locknode::net {

// 127.0.0.0/8, ::1, or an IPv4-mapped loopback address (::ffff:127.x.y.z).
bool IsLoopback(const boost::asio::ip::address& address);

enum class Admission {
  kAccept,
  kMaxClients,     // -ERR max number of clients reached
  kProtectedMode,  // -DENIED ...: protected mode, no password, peer not on loopback
};

// Decides for a new peer while `clients` sessions are open. Remote peers get `maxclients`
// slots; loopback peers get `maxclients-loopback-reserve` more, so an operator or a health probe
// on the node itself still gets in when remote clients have taken every slot. The count is
// checked first and protected mode second, in Redis's order.
Admission Admit(const Config& config, size_t clients, bool loopback_peer);

// The bytes written to a refused peer before its socket is closed, exactly as Redis writes them.
std::string_view RejectionReply(Admission verdict);

// Startup warning for a listener that exposes an unprotected server beyond the host.
void WarnIfExposed(const Config& config, const boost::asio::ip::address& bound);

}  // namespace locknode::net

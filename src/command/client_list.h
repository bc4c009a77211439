#pragma once

#include <string>
#include <string_view>

#include "locknode/base/millis.h"
#include "locknode/command/client_state.h"

namespace locknode::command {

// Appends one CLIENT LIST / CLIENT INFO line for `client`, ending in '\n', in Redis 7.2's
// field order (networking.c catClientInfoString), with the fields locknode has no notion of
// (pub/sub, MULTI, buffers) at their idle values so tools that split on ' ' and '=' work.
// cmd= is the client's last command; the dispatcher sets it before the handler runs, so the
// caller itself shows "client|list", as in Redis.
void AppendClientInfo(const ClientState& client, Millis now, std::string* out);

}  // namespace locknode::command

#pragma once

// Private to the command module: SET's option parsing, shared by the SET handler and the write
// policy (write_policy.cc), which must see exactly the TTL the handler will grant.

#include <cstdint>
#include <string_view>

#include "locknode/base/millis.h"
#include "locknode/base/strings.h"
#include "locknode/command/arg_cursor.h"
#include "locknode/protocol/errors.h"

#include "command/expire_time.h"

namespace locknode::command {

enum class ExpireKind : uint8_t { kNone = 0, kEx = 1, kPx = 2, kExAt = 4, kPxAt = 8 };

// SET's options after parsing; conflicts are checked once, at the end (ParseSetParams).
struct SetParams {
  bool nx = false;
  bool xx = false;
  bool get = false;
  bool keepttl = false;
  ExpireKind expire = ExpireKind::kNone;  // the last expire option given
  uint8_t expire_kinds = 0;               // every expire option given (bit per ExpireKind)
  std::string_view expire_arg;            // its raw value, parsed only after the syntax checks
};

inline ExpireKind ExpireKindOf(std::string_view opt) {
  if (EqualsIgnoreCase(opt, "EX")) return ExpireKind::kEx;
  if (EqualsIgnoreCase(opt, "PX")) return ExpireKind::kPx;
  if (EqualsIgnoreCase(opt, "EXAT")) return ExpireKind::kExAt;
  if (EqualsIgnoreCase(opt, "PXAT")) return ExpireKind::kPxAt;
  return ExpireKind::kNone;
}

// Redis parseExtendedStringArgumentsOrReply, as a set of rules rather than per-token checks:
// any unknown token, NX with XX, KEEPTTL with an expire, or two *different* expire options is a
// syntax error; repeating the same flag (NX NX, PX 1 PX 2: the last value wins) is allowed.
// The expire value is not parsed here: Redis reports syntax errors before number errors.
inline bool ParseSetParams(ArgCursor& cursor, SetParams* params) {
  while (cursor.HasNext()) {
    // Redis compares options as C strings (opt[2] == '\0', strcasecmp): "NX\0junk" is NX.
    const std::string_view opt = CStringPrefix(cursor.Next());
    if (EqualsIgnoreCase(opt, "NX")) {
      params->nx = true;
    } else if (EqualsIgnoreCase(opt, "XX")) {
      params->xx = true;
    } else if (EqualsIgnoreCase(opt, "GET")) {
      params->get = true;
    } else if (EqualsIgnoreCase(opt, "KEEPTTL")) {
      params->keepttl = true;
    } else if (const ExpireKind kind = ExpireKindOf(opt); kind != ExpireKind::kNone) {
      params->expire = kind;
      params->expire_kinds |= static_cast<uint8_t>(kind);
      params->expire_arg = cursor.Next();  // missing value: syntax error
    } else {
      cursor.FailUnknown(opt);
    }
  }
  const uint8_t kinds = params->expire_kinds;
  const bool many_kinds = (kinds & (kinds - 1)) != 0;
  if ((params->nx && params->xx) || (params->keepttl && kinds != 0) || many_kinds) {
    cursor.Fail(protocol::kErrSyntax);
  }
  return cursor.ok();
}

enum class ExpireError : uint8_t { kNone, kNotInteger, kInvalid };
struct SetExpire {
  ExpireError error;
  Millis deadline;
};

// SET EX|PX|EXAT|PXAT (and SETEX/PSETEX) value as a deadline, Redis getExpireMillisecondsOrReply:
// not an integer, or not positive / overflowing ("invalid expire time"). A unix time already
// past gives a past deadline (the key is deleted, +OK).
inline SetExpire ResolveSetExpire(ExpireKind kind, std::string_view arg, Millis now,
                                  int64_t wall_ms) {
  const auto value = ParseInt64(arg);
  if (!value) return {ExpireError::kNotInteger, 0};
  if (*value <= 0) return {ExpireError::kInvalid, 0};
  const bool seconds = kind == ExpireKind::kEx || kind == ExpireKind::kExAt;
  const bool absolute = kind == ExpireKind::kExAt || kind == ExpireKind::kPxAt;
  const auto deadline = ExpireDeadline(*value, seconds, absolute, now, wall_ms);
  if (!deadline) return {ExpireError::kInvalid, 0};
  return {ExpireError::kNone, *deadline};
}

}  // namespace locknode::command

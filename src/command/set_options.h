#pragma once

// Private to the command module: SET's option parsing, shared by the SET handler and the write
// policy (write_policy.cc), which must see exactly the TTL the handler will grant.

#include <cstdint>
#include <string_view>

#include "locknode/base/digest.h"
#include "locknode/base/millis.h"
#include "locknode/base/strings.h"
#include "locknode/command/arg_cursor.h"
#include "locknode/protocol/errors.h"

#include "command/expire_time.h"

namespace locknode::command {

enum class ExpireKind : uint8_t { kNone = 0, kEx = 1, kPx = 2, kExAt = 4, kPxAt = 8 };

// Redis 8.4's compare conditions (SET ... IFEQ v, DELEX key IFEQ v): against the value, or
// against its XXH3 digest (DIGEST's 16 hex digits, compared case-insensitively).
enum class ValueCond : uint8_t { kNone, kIfEq, kIfNe, kIfDigestEq, kIfDigestNe };

inline ValueCond ValueCondOf(std::string_view opt) {
  if (EqualsIgnoreCase(opt, "IFEQ")) return ValueCond::kIfEq;
  if (EqualsIgnoreCase(opt, "IFNE")) return ValueCond::kIfNe;
  if (EqualsIgnoreCase(opt, "IFDEQ")) return ValueCond::kIfDigestEq;
  if (EqualsIgnoreCase(opt, "IFDNE")) return ValueCond::kIfDigestNe;
  return ValueCond::kNone;
}

// Redis 8.4 (PR #14502): a digest argument that is not 16 hex digits.
inline constexpr std::string_view kErrDigestFormat =
    "ERR must be exactly 16 hexadecimal characters";

inline bool IsDigestCond(ValueCond cond) {
  return cond == ValueCond::kIfDigestEq || cond == ValueCond::kIfDigestNe;
}

// Whether `cond` holds for the current string (`found` false: no key). IFEQ/IFDEQ need the key,
// IFNE/IFDNE hold without one. The digest forms compare case-insensitively (IsDigestText first).
inline bool ValueCondHolds(ValueCond cond, bool found, std::string_view value,
                           std::string_view arg) {
  switch (cond) {
    case ValueCond::kNone:
      return true;
    case ValueCond::kIfEq:
      return found && value == arg;
    case ValueCond::kIfNe:
      return !found || value != arg;
    case ValueCond::kIfDigestEq:
      return found && DigestMatches(value, arg);
    case ValueCond::kIfDigestNe:
      return !found || !DigestMatches(value, arg);
  }
  return false;
}

// SET's options after parsing; conflicts are checked once, at the end (ParseSetParams).
struct SetParams {
  bool nx = false;
  bool xx = false;
  ValueCond cond = ValueCond::kNone;  // IFEQ|IFNE|IFDEQ|IFDNE (8.4)
  int conds = 0;                      // how many of NX, XX and the four conditions were given
  std::string_view cond_arg;          // the value or digest compared
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

// Redis parseExtendedStringArgumentsOrReply (plus 8.4's IF* conditions), as a set of rules rather
// than per-token checks: any unknown token, NX with XX, KEEPTTL with an expire, or two *different*
// expire options is a syntax error; repeating the same flag (NX NX, PX 1 PX 2: the last value wins)
// is allowed. The expire value is not parsed here: Redis reports syntax errors before number
// errors.
inline bool ParseSetParams(ArgCursor& cursor, SetParams* params) {
  while (cursor.HasNext()) {
    // Redis compares options as C strings (opt[2] == '\0', strcasecmp): "NX\0junk" is NX.
    const std::string_view opt = CStringPrefix(cursor.Next());
    if (EqualsIgnoreCase(opt, "NX")) {
      params->conds += params->nx ? 0 : 1;
      params->nx = true;
    } else if (EqualsIgnoreCase(opt, "XX")) {
      params->conds += params->xx ? 0 : 1;
      params->xx = true;
    } else if (const ValueCond cond = ValueCondOf(opt); cond != ValueCond::kNone) {
      params->conds += params->cond == cond ? 0 : 1;
      params->cond = cond;
      params->cond_arg = cursor.Next();  // missing value: syntax error
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
  // NX, XX and the 8.4 conditions exclude each other (a repeated one is allowed, like NX NX).
  if (params->conds > 1 || (params->keepttl && kinds != 0) || many_kinds) {
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

// GETEX's options (Redis parseExtendedStringArgumentsOrReply with COMMAND_GET): one of EX, PX,
// EXAT, PXAT (the same kind may repeat, the last value wins) or PERSIST; anything else, two
// kinds, or PERSIST with an expire is a syntax error. The value is parsed later, as in Redis.
struct GetExParams {
  bool persist = false;
  ExpireKind expire = ExpireKind::kNone;
  uint8_t expire_kinds = 0;
  std::string_view expire_arg;
};

inline bool ParseGetExParams(ArgCursor& cursor, GetExParams* params) {
  while (cursor.HasNext()) {
    const std::string_view opt = CStringPrefix(cursor.Next());
    if (EqualsIgnoreCase(opt, "PERSIST")) {
      params->persist = true;
    } else if (const ExpireKind kind = ExpireKindOf(opt); kind != ExpireKind::kNone) {
      params->expire = kind;
      params->expire_kinds |= static_cast<uint8_t>(kind);
      params->expire_arg = cursor.Next();
    } else {
      cursor.FailUnknown(opt);
    }
  }
  const uint8_t kinds = params->expire_kinds;
  if ((kinds & (kinds - 1)) != 0 || (params->persist && kinds != 0)) {
    cursor.Fail(protocol::kErrSyntax);
  }
  return cursor.ok();
}

}  // namespace locknode::command

#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "locknode/base/millis.h"
#include "locknode/protocol/reply_sink.h"

#include "command/reply_text.h"

// Deadline arithmetic shared by the string and key families. Deadlines are monotonic
// (base/millis.h); wall-clock unix times appear only at the edges (PXAT/EXAT/PEXPIREAT in,
// PEXPIRETIME out) and are converted once, against the command's single time snapshot.
namespace locknode::command {

inline constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
inline constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

// Redis mstime() is ustime()/1000.
inline int64_t WallMs(int64_t wall_us) { return wall_us / 1000; }

// now + delta, saturated. The result never equals kNoDeadline ("no TTL"): a deadline that far
// away is kept one millisecond short of it, which no client can observe.
inline Millis DeadlineAfter(Millis now, int64_t delta) {
  Millis out = 0;
  if (__builtin_add_overflow(now, delta, &out)) return delta > 0 ? kNoDeadline - 1 : kInt64Min;
  return out == kNoDeadline ? kNoDeadline - 1 : out;
}

// A unix time in ms (PXAT, PEXPIREAT) as a monotonic deadline: now + (at - wall), overflow-safe.
// Once converted, later wall-clock jumps no longer move the deadline.
inline Millis DeadlineFromUnixMs(int64_t at_ms, Millis now, int64_t wall_ms) {
  int64_t delta = 0;
  if (__builtin_sub_overflow(at_ms, wall_ms, &delta)) delta = at_ms < 0 ? kInt64Min : kInt64Max;
  return DeadlineAfter(now, delta);
}

// The inverse, for PEXPIRETIME/EXPIRETIME: wall + (deadline - now), saturated.
inline int64_t UnixMsFromDeadline(Millis deadline, Millis now, int64_t wall_ms) {
  int64_t remaining = 0;
  int64_t out = 0;
  if (__builtin_sub_overflow(deadline, now, &remaining)) remaining = kInt64Max;
  if (__builtin_add_overflow(wall_ms, remaining, &out))
    return remaining > 0 ? kInt64Max : kInt64Min;
  return out;
}

// Redis's expire arithmetic (expireGenericCommand, getExpireMillisecondsOrReply): `value` in
// seconds or ms, relative or a unix time, as a monotonic deadline. Seconds are scaled with an
// overflow check (either sign); a relative time must not overflow when the wall-clock "now" is
// added (Redis's own bound). nullopt where Redis replies "invalid expire time". The handlers and
// the write policy both call this, so the policy checks exactly the deadline that is granted.
inline std::optional<Millis> ExpireDeadline(int64_t value, bool seconds, bool absolute, Millis now,
                                            int64_t wall_ms) {
  if (seconds) {
    if (value > kInt64Max / 1000 || value < kInt64Min / 1000) return std::nullopt;
    value *= 1000;
  }
  if (absolute) return DeadlineFromUnixMs(value, now, wall_ms);
  if (value > kInt64Max - wall_ms) return std::nullopt;
  return DeadlineAfter(now, value);
}

// "ERR invalid expire time in '<cmd>' command" (Redis addReplyErrorExpireTime, which prints the
// command's lower-case full name: 'set', 'setex', 'pexpireat'...).
inline void ReplyInvalidExpire(protocol::ReplySink& reply, std::string_view command) {
  FixedText<96> text;
  text.Append("ERR invalid expire time in '").Append(command).Append("' command");
  reply.Error(text.view());
}

}  // namespace locknode::command

#include "command/write_policy.h"

#include <cstdint>

#include "locknode/base/strings.h"
#include "locknode/protocol/errors.h"

#include "command/expire_time.h"
#include "command/set_options.h"

namespace locknode::command {
namespace {

using Kind = LifetimeEffect::Kind;

LifetimeEffect FromSetOptions(ArgList args, size_t first, Millis now, int64_t wall_ms) {
  SetParams params;
  ArgCursor cursor(args, first);
  if (!ParseSetParams(cursor, &params)) return {Kind::kInvalid};
  if (params.keepttl) return {Kind::kKeepsTtl};
  if (params.expire == ExpireKind::kNone) return {Kind::kNoTtl};
  const SetExpire expire = ResolveSetExpire(params.expire, params.expire_arg, now, wall_ms);
  if (expire.error != ExpireError::kNone) return {Kind::kInvalid};
  return {Kind::kDeadline, expire.deadline};
}

// GETEX: PERSIST leaves the key without a TTL; an expire grants it; no option changes nothing.
LifetimeEffect FromGetExOptions(ArgList args, size_t first, Millis now, int64_t wall_ms) {
  GetExParams params;
  ArgCursor cursor(args, first);
  if (!ParseGetExParams(cursor, &params)) return {Kind::kInvalid};
  if (params.persist) return {Kind::kNoTtl};
  if (params.expire == ExpireKind::kNone) return {Kind::kNone};
  const SetExpire expire = ResolveSetExpire(params.expire, params.expire_arg, now, wall_ms);
  if (expire.error != ExpireError::kNone) return {Kind::kInvalid};
  return {Kind::kDeadline, expire.deadline};
}

}  // namespace

LifetimeEffect ResolveLifetime(const CommandSpec& cmd, ArgList args, Millis now, int64_t wall_us) {
  const auto at = static_cast<size_t>(static_cast<unsigned char>(cmd.ttl_arg));  // 0..127
  const int64_t wall_ms = WallMs(wall_us);
  bool seconds = false;
  bool absolute = false;
  switch (cmd.lifetime) {
    case Lifetime::kNone:
      return {Kind::kNone};
    case Lifetime::kRemoves:
      return {Kind::kRemoves};
    case Lifetime::kNoTtl:
      return {Kind::kNoTtl};
    case Lifetime::kKeepsTtl:
      return {Kind::kKeepsTtl};
    case Lifetime::kSetOptions:
      return FromSetOptions(args, at, now, wall_ms);
    case Lifetime::kGetExOptions:
      return FromGetExOptions(args, at, now, wall_ms);
    case Lifetime::kMillis:
      break;
    case Lifetime::kSeconds:
      seconds = true;
      break;
    case Lifetime::kUnixMillis:
      absolute = true;
      break;
    case Lifetime::kUnixSeconds:
      seconds = absolute = true;
      break;
  }
  const auto value = at < args.size() ? ParseInt64(args[at]) : std::nullopt;
  if (!value) return {Kind::kInvalid};
  const auto deadline = ExpireDeadline(*value, seconds, absolute, now, wall_ms);
  if (!deadline) return {Kind::kInvalid};
  return {Kind::kDeadline, *deadline};
}

namespace {

// The TTL rules (require-ttl, max-ttl, the lease watermark), out of AdmitWrite's hot path.
[[gnu::noinline]] bool AdmitLifetime(Shard& shard, const CommandSpec& cmd, ArgList args, Millis now,
                                     int64_t wall_us, protocol::ReplySink& reply) {
  LeaseGuard& lease = shard.lease();
  const LifetimeEffect effect = ResolveLifetime(cmd, args, now, wall_us);
  switch (effect.kind) {
    case Kind::kDeadline:
      return lease.AdmitDeadline(effect.deadline, now, cmd.name, reply);
    case Kind::kKeepsTtl:
      // KEEPTTL (and an in-place write: a hash, a collection) counts as no TTL unless the key has
      // one (its deadline was admitted when set).
      if (const auto old = shard.keyspace().Find(args[static_cast<size_t>(cmd.first_key)], now);
          old && old->deadline != kNoDeadline) {
        return true;
      }
      return lease.AdmitNoTtl(reply);
    case Kind::kNoTtl:
      return lease.AdmitNoTtl(reply);
    case Kind::kNone:
    case Kind::kRemoves:
    case Kind::kInvalid:
      return true;
  }
  return true;
}

}  // namespace

bool OverMaxmemory(Shard& shard) {
  const int64_t maxmemory = shard.config().maxmemory;
  return maxmemory > 0 && shard.keyspace().used_bytes() > static_cast<uint64_t>(maxmemory);
}

bool AdmitWriteCommand(Shard& shard, const CommandSpec& cmd, ArgList args, Millis now,
                       int64_t wall_us, protocol::ReplySink& reply, bool check_oom) {
  if (check_oom && (cmd.flags & kDenyOom) != 0 && OverMaxmemory(shard)) {
    reply.Error(protocol::kErrOom);
    return false;
  }
  // A removal never creates or extends a lease: no quarantine, no TTL rule.
  if (cmd.lifetime == Lifetime::kRemoves) return true;
  const LeaseGuard& lease = shard.lease();
  if (lease.QuarantineRemaining(now) > 0) {
    lease.ReplyQuarantine(now, reply);
    return false;
  }
  // Without a lease file, max-ttl or require-ttl no lifetime rule can refuse or record anything,
  // so the arguments are not even parsed: a lock node pays only for the rules it uses.
  if (!lease.restart_safety() && lease.max_ttl() == 0 && !shard.config().require_ttl) return true;
  return AdmitLifetime(shard, cmd, args, now, wall_us, reply);
}

}  // namespace locknode::command

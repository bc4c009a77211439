#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace locknode::script {

// Lock scripts the server can run natively instead of in Lua (GUIDE §2.5). A body is
// classified ONCE, when it enters the script cache; anything not recognised is kNone and runs
// in Lua. Only scripts whose observable behaviour (reply and keyspace effect) equals the
// native operation are classified, under the preconditions below.
enum class FastPathKind : uint8_t {
  kNone,
  // if GET(KEYS[1]) == ARGV[token] then DEL KEYS[1]; reply :1; else reply :0.
  // (A matching GET implies the key exists, so DEL's reply is 1 as well.)
  kCompareAndDelete,
  // redsync's deleteScript: as kCompareAndDelete, but :-1 when the key is absent (or expired).
  kCompareAndDeleteOrMinus1,
  // if GET(KEYS[1]) == ARGV[token] then set the key's TTL to ARGV[ttl] milliseconds (PEXPIRE,
  // or SET key token PX ttl which has the same effect on a key already holding `token`);
  // reply :1; else reply :0.
  kCompareAndPexpire,
};

// Preconditions the caller must check per call before taking the fast path (otherwise run the
// script in Lua, which produces Redis's exact error replies for the odd cases):
//  * numkeys == 1 and at least `min_argv` arguments (extra arguments are ignored by all these
//    scripts);
//  * the key, if present, holds a string;
//  * kCompareAndPexpire: ARGV[ttl_arg] parses with ParseInt64 to a value in
//    [1, kFastPathMaxTtlMs] (zero/negative TTLs delete in PEXPIRE but fail in SET PX, and
//    huge ones overflow the deadline: leave those to Lua).
inline constexpr int64_t kFastPathMaxTtlMs = int64_t{1} << 46;

// The write a recognised script makes when the token matches: DEL key, PEXPIRE key ttl, or
// SET key token PX ttl. A native run goes through that command's write policy, so it refuses
// (OOM, quarantine, max-ttl...) exactly where the script's redis.call would.
enum class FastPathWrite : uint8_t { kDel, kPexpire, kSetPx };
inline constexpr std::string_view kFastPathWriteCommands[] = {"del", "pexpire", "set"};

struct FastPath {
  FastPathKind kind = FastPathKind::kNone;
  uint8_t token_arg = 0;     // 0-based index into ARGV of the lock token
  uint8_t ttl_arg = 0;       // 0-based index into ARGV of the TTL (kCompareAndPexpire only)
  uint8_t min_argv = 0;      // ARGV entries the script reads
  std::string_view library;  // which canonical form matched (for INFO/debugging)
  FastPathWrite write = FastPathWrite::kDel;
};

// Classifies a script body. Cost: one tokenisation of the body; call it once per script.
FastPath ClassifyScript(std::string_view body);

// The normal form used for matching (exposed for tests): comments and whitespace dropped,
// string literals re-quoted in one style with escapes decoded, numbers canonicalised, command
// names inside redis.call/pcall lower-cased, and local variables renamed by declaration order.
// Returns false if the body does not tokenise (such a body is never classified).
bool NormalizeLua(std::string_view body, std::string* out);

}  // namespace locknode::script

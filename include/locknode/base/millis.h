#pragma once

#include <cstdint>
#include <limits>

namespace locknode {

// Milliseconds. Deadlines inside the server are on the monotonic clock (steady_clock), never the
// wall clock: a wall-clock jump must neither shorten nor lengthen a lock (Redlock's safety
// argument). Wall-clock values appear only at the edges (PXAT/EXAT in, PEXPIRETIME/TIME out).
using Millis = int64_t;

// "No deadline": the key lives until it is deleted.
inline constexpr Millis kNoDeadline = std::numeric_limits<Millis>::max();

}  // namespace locknode

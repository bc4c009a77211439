#pragma once

#include <cstdint>
#include <utility>

#include "locknode/base/millis.h"

namespace locknode::net {

// Allows one event per interval, for warnings a misbehaving peer could otherwise repeat at
// line rate (Dragonfly LOG_EVERY_T). Counts what it suppressed.
class LogLimiter {
 public:
  bool Allow(Millis now) {
    if (now - last_ms_ < 1000) {
      ++suppressed_;
      return false;
    }
    last_ms_ = now;
    return true;
  }
  uint64_t TakeSuppressed() { return std::exchange(suppressed_, 0); }

 private:
  Millis last_ms_ = -1'000'000;
  uint64_t suppressed_ = 0;
};

}  // namespace locknode::net

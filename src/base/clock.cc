#include "locknode/base/clock.h"

#include <chrono>
#include <ratio>
#include <type_traits>

namespace locknode {

Millis SteadyClock::NowMs() const {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  return duration_cast<milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int64_t SteadyClock::WallUs() const {
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  return duration_cast<microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

static_assert(std::is_same_v<std::chrono::steady_clock::period, std::nano>);

int64_t SteadyClock::NowNs() const {
  return std::chrono::steady_clock::now().time_since_epoch().count();  // steady_clock counts ns
}

}  // namespace locknode

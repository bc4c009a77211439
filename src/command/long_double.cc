#include "command/long_double.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace locknode::command {

std::optional<long double> ParseLongDouble(std::string_view s) {
  constexpr size_t kMaxLongDoubleChars = size_t{5} * 1024;
  if (s.empty() || s.size() >= kMaxLongDoubleChars) return std::nullopt;
  char buf[kMaxLongDoubleChars];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  errno = 0;
  char* end = nullptr;
  const long double value = std::strtold(buf, &end);
  const bool range = errno == ERANGE && (value == HUGE_VALL || value == -HUGE_VALL ||
                                         std::fpclassify(value) == FP_ZERO);
  if (std::isspace(static_cast<unsigned char>(buf[0])) || *end != '\0' || range ||
      std::isnan(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace locknode::command

#pragma once

// Private to the command module: Redis's long double parser (string2ld), shared by INCRBYFLOAT,
// HINCRBYFLOAT and the blocking commands' timeouts.

#include <optional>
#include <string_view>

namespace locknode::command {

// Redis string2ld: strtold on a NUL-terminated copy; refused when empty, too long (5 KiB,
// MAX_LONG_DOUBLE_CHARS), starting with a space, with trailing bytes, NaN, or out of range
// (ERANGE to +-HUGE_VAL or to zero). strtold also takes hex ("0x10") and "inf", as Redis does.
std::optional<long double> ParseLongDouble(std::string_view s);

}  // namespace locknode::command

#pragma once

#include <cstddef>
#include <string_view>

namespace locknode::command {

// Fixed-capacity builder for error texts that quote user input (unknown command, arity,
// "invalid expire time in '<cmd>' command"). Lives on the stack, so the dispatch path never
// allocates even when it rejects a command. Text past the capacity is dropped; callers size N
// from Redis's own truncation limits.
template <size_t N>
class FixedText {
 public:
  FixedText& Append(std::string_view s) {
    const size_t n = s.size() < N - size_ ? s.size() : N - size_;
    for (size_t i = 0; i < n; ++i) buf_[size_ + i] = s[i];
    size_ += n;
    return *this;
  }
  // Appends user-supplied text with CR and LF mapped to spaces: Redis runs
  // sdsmapchars(err, "\r\n", "  ", 2) on every error built from arguments, so the reply stays
  // one protocol line.
  FixedText& AppendMapped(std::string_view s) {
    const size_t start = size_;
    Append(s);
    for (size_t i = start; i < size_; ++i) {
      if (buf_[i] == '\r' || buf_[i] == '\n') buf_[i] = ' ';
    }
    return *this;
  }
  std::string_view view() const { return {buf_, size_}; }

 private:
  char buf_[N];
  size_t size_ = 0;
};

// Redis formats arguments into errors with "%s"/"%.128s" on C strings, so an argument holding a
// NUL byte is cut at the NUL. Returns that prefix.
inline std::string_view CStringPrefix(std::string_view s) {
  const size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

}  // namespace locknode::command

#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace locknode::protocol {

// Contiguous, growable output bytes for one batch of replies. Capacity is kept across Clear(),
// so a steady pipeline allocates nothing. The session owns two: one being written to the
// socket, one collecting new replies.
class OutBuffer {
 public:
  void Append(std::string_view s) { bytes_.insert(bytes_.end(), s.begin(), s.end()); }
  void Append(char c) { bytes_.push_back(c); }
  const char* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  size_t capacity() const { return bytes_.capacity(); }
  void Clear() { bytes_.clear(); }
  // Drops the capacity too (after a burst, so an idle client does not keep a big buffer).
  void Release() { std::vector<char>().swap(bytes_); }
  std::string_view view() const { return {bytes_.data(), bytes_.size()}; }

 private:
  std::vector<char> bytes_;
};

}  // namespace locknode::protocol

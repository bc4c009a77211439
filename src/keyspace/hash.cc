// wyhash final v4 (https://github.com/wangyi-fudan/wyhash, public domain), reduced to the one
// function the keyspace needs. Chosen over boost::hash<std::string_view> because it is
// avalanching, so boost::unordered_flat_set can use its low bits without a post-mix.

#include <cstdint>
#include <cstring>
#include <string_view>

#include "keyspace/entry_internal.h"

namespace locknode::keyspace::internal {
namespace {

__extension__ using U128 = unsigned __int128;  // GCC/Clang; __extension__ silences -Wpedantic

constexpr uint64_t kP0 = 0xa0761d6478bd642full;
constexpr uint64_t kP1 = 0xe7037ed1a0b428dbull;
constexpr uint64_t kP2 = 0x8ebc6af09c88c6e3ull;
constexpr uint64_t kP3 = 0x589965cc75374cc3ull;

// 64x64->128 multiply; the "mum" core of wyhash.
void Mum(uint64_t* a, uint64_t* b) {
  const U128 r = static_cast<U128>(*a) * *b;
  *a = static_cast<uint64_t>(r);
  *b = static_cast<uint64_t>(r >> 64);
}
uint64_t Mix(uint64_t a, uint64_t b) {
  Mum(&a, &b);
  return a ^ b;
}

// Little-endian loads via memcpy (no alignment or aliasing assumptions). The hash value is
// only used in-process, so byte order does not matter for correctness.
uint64_t Read8(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
uint64_t Read4(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
uint64_t Read3(const unsigned char* p, size_t k) {
  return (uint64_t{p[0]} << 16) | (uint64_t{p[k >> 1]} << 8) | p[k - 1];
}

}  // namespace

uint64_t HashBytes(std::string_view s, uint64_t seed) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t len = s.size();
  seed ^= Mix(seed ^ kP0, kP1);
  uint64_t a = 0;
  uint64_t b = 0;
  if (len <= 16) {
    if (len >= 4) {
      const size_t mid = (len >> 3) << 2;
      a = (Read4(p) << 32) | Read4(p + mid);
      b = (Read4(p + len - 4) << 32) | Read4(p + len - 4 - mid);
    } else if (len > 0) {
      a = Read3(p, len);
    }
  } else {
    size_t i = len;
    if (i > 48) {
      uint64_t see1 = seed;
      uint64_t see2 = seed;
      do {
        seed = Mix(Read8(p) ^ kP1, Read8(p + 8) ^ seed);
        see1 = Mix(Read8(p + 16) ^ kP2, Read8(p + 24) ^ see1);
        see2 = Mix(Read8(p + 32) ^ kP3, Read8(p + 40) ^ see2);
        p += 48;
        i -= 48;
      } while (i > 48);
      seed ^= see1 ^ see2;
    }
    while (i > 16) {
      seed = Mix(Read8(p) ^ kP1, Read8(p + 8) ^ seed);
      i -= 16;
      p += 16;
    }
    a = Read8(p + i - 16);
    b = Read8(p + i - 8);
  }
  a ^= kP1;
  b ^= seed;
  Mum(&a, &b);
  return Mix(a ^ kP0 ^ len, b ^ kP1);
}

}  // namespace locknode::keyspace::internal

#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace locknode {

// SHA-256 of a password. Passwords are compared as digests (SAFETY.md §5, Redis acl.c
// ACLCheckUserCredentials hashes with SHA-256 before time_independent_strcmp): every digest has
// the same length, so a compare can leak neither the password's length nor a matching prefix.
using PasswordDigest = std::array<uint8_t, 32>;

PasswordDigest HashPassword(std::string_view password);

// True if SHA-256(offered) equals `stored`, compared in time independent of the content
// (CRYPTO_memcmp).
bool PasswordMatches(const PasswordDigest& stored, std::string_view offered);

}  // namespace locknode

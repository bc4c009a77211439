#include "locknode/base/password_digest.h"

#include <string>

#include <gtest/gtest.h>

namespace locknode {
namespace {

std::string Hex(const PasswordDigest& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t byte : digest) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xf];
  }
  return out;
}

// FIPS 180-4 vectors, so the digest is SHA-256 and not merely some stable hash.
TEST(PasswordDigestTest, IsSha256) {
  EXPECT_EQ(Hex(HashPassword("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hex(HashPassword("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(PasswordDigestTest, EqualPasswordMatches) {
  EXPECT_TRUE(PasswordMatches(HashPassword("secret"), "secret"));
  const std::string with_nul("se\0cret", 7);  // a bulk password may hold any byte
  EXPECT_TRUE(PasswordMatches(HashPassword(with_nul), with_nul));
}

TEST(PasswordDigestTest, UnequalPasswordOfSameLengthFails) {
  EXPECT_FALSE(PasswordMatches(HashPassword("secret"), "secreT"));
  EXPECT_FALSE(PasswordMatches(HashPassword("secret"), "Secret"));
  const std::string with_nul("se\0cret", 7);
  EXPECT_FALSE(PasswordMatches(HashPassword(with_nul), std::string("se\0cres", 7)));
}

TEST(PasswordDigestTest, PrefixesAndExtensionsFail) {
  EXPECT_FALSE(PasswordMatches(HashPassword("secret"), "secre"));
  EXPECT_FALSE(PasswordMatches(HashPassword("secret"), "secretx"));
  EXPECT_FALSE(PasswordMatches(HashPassword("secret"), std::string("secret\0", 7)));
  EXPECT_FALSE(PasswordMatches(HashPassword("secret"), std::string(10000, 's')));
}

TEST(PasswordDigestTest, EmptyPassword) {
  EXPECT_TRUE(PasswordMatches(HashPassword(""), ""));
  EXPECT_FALSE(PasswordMatches(HashPassword(""), "x"));
  EXPECT_FALSE(PasswordMatches(HashPassword("secret"), ""));
}

}  // namespace
}  // namespace locknode

#include "locknode/base/sha1.h"

#include <string>

#include <gtest/gtest.h>

#include "support/compat_scripts.h"

namespace locknode {
namespace {

TEST(Sha1Test, Fips180Vectors) {
  EXPECT_EQ(Sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(Sha1Hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

// Lengths around the 55/56/64-byte padding boundaries (checked with Python's hashlib).
TEST(Sha1Test, PaddingBoundaries) {
  EXPECT_EQ(Sha1Hex(std::string(55, 'x')), "cef734ba81a024479e09eb5a75b6ddae62e6abf1");
  EXPECT_EQ(Sha1Hex(std::string(56, 'x')), "901305367c259952f4e7af8323f480d59f81335b");
  EXPECT_EQ(Sha1Hex(std::string(63, 'x')), "0ddc4e0cccd9a12850deb5abb0853a4425559fec");
  EXPECT_EQ(Sha1Hex(std::string(64, 'x')), "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163");
  EXPECT_EQ(Sha1Hex(std::string(119, 'x')), "4300320394f7ee239bcdce7d3b8bcee173a0cd5c");
  EXPECT_EQ(Sha1Hex(std::string(120, 'x')), "ceb2821639c4b6dcb10bce0e522ca2e608ce056d");
  EXPECT_EQ(Sha1Hex(std::string(128, 'x')), "150fa3fbdc899bd0b8f95a9fb6027f564d953762");
}

// The script SHAs lock libraries hard-code (COMPAT.md §2): redsync's deleteScript and the
// redis-py release script, whose literal starts with a newline and ends with 4 spaces.
TEST(Sha1Test, LockLibraryScripts) {
  const std::string redis_py_release(script::testdata::FindCompatScript("redispy_release")->body);
  EXPECT_EQ(Sha1Hex(redis_py_release), "c3f8721cbb97f72bc19e972846bd7aaf91901658");
  char out[40];
  Sha1Hex("return 1", out);
  EXPECT_EQ(std::string(out, 40), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

}  // namespace
}  // namespace locknode

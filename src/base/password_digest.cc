#include "locknode/base/password_digest.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace locknode {

PasswordDigest HashPassword(std::string_view password) {
  PasswordDigest digest;
  // SHA256 cannot fail for in-memory input; it only returns its output pointer.
  SHA256(reinterpret_cast<const unsigned char*>(password.data()), password.size(), digest.data());
  return digest;
}

bool PasswordMatches(const PasswordDigest& stored, std::string_view offered) {
  const PasswordDigest digest = HashPassword(offered);
  return CRYPTO_memcmp(stored.data(), digest.data(), digest.size()) == 0;
}

}  // namespace locknode

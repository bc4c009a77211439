#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace locknode {

// SHA-1 (FIPS 180-4) of `data`, the digest Redis uses to name scripts (EVALSHA, SCRIPT LOAD,
// redis.sha1hex). Not for security: SHA-1 is only an identifier here, as in Redis.
std::array<uint8_t, 20> Sha1(std::string_view data);

// 40 lowercase hex characters of Sha1(data), written into `out` (no terminator).
void Sha1Hex(std::string_view data, char out[40]);

// Convenience form for tests and cold paths.
std::string Sha1Hex(std::string_view data);

}  // namespace locknode

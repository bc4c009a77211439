#pragma once

// The second part of the client-script catalogue (the first: compat_scripts.h): scripts as
// libraries send them on the wire that COMPAT §2's table does not quote byte for byte (SHAs
// verified by the differential suite: SCRIPT LOAD's reply is compared with Redis's).
#include <string_view>

namespace locknode::script::testdata {

struct ClientScript {
  std::string_view name;
  std::string_view sha;
  std::string_view body;
};

// clang-format off
// @sesamecare-oss/redlock 1.4.0 as sent on the wire (ioredis defineCommand bodies from the npm
// build; COMPAT §2.4 quotes the source template, whose SHAs differ: the interpolated
// DB_SELECT_SCRIPT adds a line of two spaces).
inline constexpr ClientScript kSesameScripts[] = {
    {"sesame_acquire", "1b77b94aa78451d55dfa97e18819bfbfc596cb5b",
     "\n"
     "  \n"
     "  -- Protected call to execute SELECT command if supported\n"
     "  redis.pcall(\"SELECT\", tonumber(ARGV[1]))\n"
     "\n"
     "\n"
     "  -- Return 0 if an entry already exists.\n"
     "  for i, key in ipairs(KEYS) do\n"
     "    if redis.call(\"exists\", key) == 1 then\n"
     "      return 0\n"
     "    end\n"
     "  end\n"
     "\n"
     "  -- Create an entry for each provided key.\n"
     "  for i, key in ipairs(KEYS) do\n"
     "    redis.call(\"set\", key, ARGV[2], \"PX\", ARGV[3])\n"
     "  end\n"
     "\n"
     "  -- Return the number of entries added.\n"
     "  return #KEYS\n"
     ""},
    {"sesame_extend", "820e9778d2b6733e9ed771e4be90ae73a95a6f3b",
     "\n"
     "  \n"
     "  -- Protected call to execute SELECT command if supported\n"
     "  redis.pcall(\"SELECT\", tonumber(ARGV[1]))\n"
     "\n"
     "\n"
     "  -- Return 0 if an entry exists with a *different* lock value.\n"
     "  for i, key in ipairs(KEYS) do\n"
     "    if redis.call(\"get\", key) ~= ARGV[2] then\n"
     "      return 0\n"
     "    end\n"
     "  end\n"
     "\n"
     "  -- Update the entry for each provided key.\n"
     "  for i, key in ipairs(KEYS) do\n"
     "    redis.call(\"set\", key, ARGV[2], \"PX\", ARGV[3])\n"
     "  end\n"
     "\n"
     "  -- Return the number of entries updated.\n"
     "  return #KEYS\n"
     ""},
    {"sesame_release", "df51f6837dcfe303d334e6abea9aeae192bab216",
     "\n"
     "  \n"
     "  -- Protected call to execute SELECT command if supported\n"
     "  redis.pcall(\"SELECT\", tonumber(ARGV[1]))\n"
     "\n"
     "\n"
     "  local count = 0\n"
     "  for i, key in ipairs(KEYS) do\n"
     "    -- Only remove entries for *this* lock value.\n"
     "    if redis.call(\"get\", key) == ARGV[2] then\n"
     "      redis.pcall(\"del\", key)\n"
     "      count = count + 1\n"
     "    end\n"
     "  end\n"
     "\n"
     "  -- Return the number of entries removed.\n"
     "  return count\n"
     ""},
};

// Redisson RLock (COMPAT §2.11): the concatenated Java string pieces.
inline constexpr ClientScript kRedissonScripts[] = {
    {"redisson_trylock", "149c5a8bf18676fd99e9e6e24923bd64d9b62f94",
     "if ((redis.call('exists', KEYS[1]) == 0) or (redis.call('hexists', KEYS[1], ARGV[2]) == 1)) "
     "then redis.call('hincrby', KEYS[1], ARGV[2], 1); redis.call('pexpire', KEYS[1], ARGV[1]); "
     "return nil; end; return redis.call('pttl', KEYS[1]);"},
};
// clang-format on

}  // namespace locknode::script::testdata

// The catalogue of real client scripts, byte for byte, shared by the unit, differential,
// fuzz-corpus (tests/fuzz/make_corpus.py) and benchmark code: no test carries its own copy.
// Scripts COMPAT §2 does not quote byte for byte are in wire_scripts.h.
// kCompatScripts is generated from /work/shared/COMPAT.md section 2 (exact script bytes; SHAs
// and fast-path kinds verified by tests/unit/script/compat_scripts_test.cc). The tables are
// data, one Lua line per C++ line, so clang-format leaves them alone.
#pragma once

#include <string_view>

#include "locknode/script/fast_path.h"

namespace locknode::script::testdata {

struct CompatScript {
  std::string_view name;
  std::string_view sha;
  FastPathKind kind;
  std::string_view body;
};

// clang-format off
inline constexpr CompatScript kCompatScripts[] = {
    {"redispy_release", "c3f8721cbb97f72bc19e972846bd7aaf91901658", FastPathKind::kCompareAndDelete,
     "\n"
      "        local token = redis.call('get', KEYS[1])\n"
      "        if not token or token ~= ARGV[1] then\n"
      "            return 0\n"
      "        end\n"
      "        redis.call('del', KEYS[1])\n"
      "        return 1\n"
      "    "},
    {"redispy_extend", "a4e8783852e6b949f9ef3a97212805108459a890", FastPathKind::kNone,
     "\n"
      "        local token = redis.call('get', KEYS[1])\n"
      "        if not token or token ~= ARGV[1] then\n"
      "            return 0\n"
      "        end\n"
      "        local expiration = redis.call('pttl', KEYS[1])\n"
      "        if not expiration then\n"
      "            expiration = 0\n"
      "        end\n"
      "        if expiration < 0 then\n"
      "            return 0\n"
      "        end\n"
      "\n"
      "        local newttl = ARGV[2]\n"
      "        if ARGV[3] == \"0\" then\n"
      "            newttl = ARGV[2] + expiration\n"
      "        end\n"
      "        redis.call('pexpire', KEYS[1], newttl)\n"
      "        return 1\n"
      "    "},
    {"redispy_reacquire", "1cac51482acf5858da00f6d685d68f886cd6b6b2", FastPathKind::kCompareAndPexpire,
     "\n"
      "        local token = redis.call('get', KEYS[1])\n"
      "        if not token or token ~= ARGV[1] then\n"
      "            return 0\n"
      "        end\n"
      "        redis.call('pexpire', KEYS[1], ARGV[2])\n"
      "        return 1\n"
      "    "},
    {"redlock4_lock", "e5a322e2634ef59a516e8ea150cb085afafee684", FastPathKind::kNone,
     "\n"
      "\t-- Return 0 if an entry already exists.\n"
      "\tfor i, key in ipairs(KEYS) do\n"
      "\t\tif redis.call(\"exists\", key) == 1 then\n"
      "\t\t\treturn 0\n"
      "\t\tend\n"
      "\tend\n"
      "\n"
      "\t-- Create an entry for each provided key.\n"
      "\tfor i, key in ipairs(KEYS) do\n"
      "\t\tredis.call(\"set\", key, ARGV[1], \"PX\", ARGV[2])\n"
      "\tend\n"
      "\n"
      "\t-- Return the number of entries added.\n"
      "\treturn #KEYS\n"
      ""},
    {"redlock4_unlock", "0f0f23b9048b36752b5be114f357ba083449f908", FastPathKind::kCompareAndDelete,
     "\n"
      "\tlocal count = 0\n"
      "\tfor i, key in ipairs(KEYS) do\n"
      "\t\t-- Only remove entries for *this* lock value.\n"
      "\t\tif redis.call(\"get\", key) == ARGV[1] then\n"
      "\t\t\tredis.pcall(\"del\", key)\n"
      "\t\t\tcount = count + 1\n"
      "\t\tend\n"
      "\tend\n"
      "\n"
      "\t-- Return the number of entries removed.\n"
      "\treturn count\n"
      ""},
    {"redlock4_extend", "ce46f80993d5dac20dd066eb301a4e37994bdbed", FastPathKind::kCompareAndPexpire,
     "\n"
      "\t-- Return 0 if an entry exists with a *different* lock value.\n"
      "\tfor i, key in ipairs(KEYS) do\n"
      "\t\tif redis.call(\"get\", key) ~= ARGV[1] then\n"
      "\t\t\treturn 0\n"
      "\t\tend\n"
      "\tend\n"
      "\n"
      "\t-- Update the entry for each provided key.\n"
      "\tfor i, key in ipairs(KEYS) do\n"
      "\t\tredis.call(\"set\", key, ARGV[1], \"PX\", ARGV[2])\n"
      "\tend\n"
      "\n"
      "\t-- Return the number of entries updated.\n"
      "\treturn #KEYS\n"
      ""},
    {"redlock5_acquire", "96da70f7716f27d278a5218544df37fd8b0a5e4c", FastPathKind::kNone,
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
      "    redis.call(\"set\", key, ARGV[1], \"PX\", ARGV[2])\n"
      "  end\n"
      "\n"
      "  -- Return the number of entries added.\n"
      "  return #KEYS\n"
      ""},
    {"redlock5_extend", "aed6f382e410db8ba7926d4e5e9aab410bf2a78a", FastPathKind::kCompareAndPexpire,
     "\n"
      "  -- Return 0 if an entry exists with a *different* lock value.\n"
      "  for i, key in ipairs(KEYS) do\n"
      "    if redis.call(\"get\", key) ~= ARGV[1] then\n"
      "      return 0\n"
      "    end\n"
      "  end\n"
      "\n"
      "  -- Update the entry for each provided key.\n"
      "  for i, key in ipairs(KEYS) do\n"
      "    redis.call(\"set\", key, ARGV[1], \"PX\", ARGV[2])\n"
      "  end\n"
      "\n"
      "  -- Return the number of entries updated.\n"
      "  return #KEYS\n"
      ""},
    {"redlock5_release", "e4612211c9f8f51c257e26e056b0a654b3187242", FastPathKind::kCompareAndDelete,
     "\n"
      "  local count = 0\n"
      "  for i, key in ipairs(KEYS) do\n"
      "    -- Only remove entries for *this* lock value.\n"
      "    if redis.call(\"get\", key) == ARGV[1] then\n"
      "      redis.pcall(\"del\", key)\n"
      "      count = count + 1\n"
      "    end\n"
      "  end\n"
      "\n"
      "  -- Return the number of entries removed.\n"
      "  return count\n"
      ""},
    {"sesame_db_select", "3a6d9af5fb0431a7d2886703ce91fde270b8891c", FastPathKind::kNone,
     "\n"
      "  -- Protected call to execute SELECT command if supported\n"
      "  redis.pcall(\"SELECT\", tonumber(ARGV[1]))\n"
      ""},
    {"semaphore_refresh", "594683e49a64ebaf975caf5f8079a1d097c438f1", FastPathKind::kCompareAndPexpire,
     "\n"
      "  local key = KEYS[1]\n"
      "  local identifier = ARGV[1]\n"
      "  local lockTimeout = ARGV[2]\n"
      "\n"
      "  local value = redis.call('get', key)\n"
      "\n"
      "  if value == identifier then\n"
      "    redis.call('pexpire', key, lockTimeout)\n"
      "    return 1\n"
      "  end\n"
      "\n"
      "  return 0\n"
      "  "},
    {"semaphore_release", "7157921a7cc7cfba979acf6d63f073151df17d12", FastPathKind::kCompareAndDelete,
     "\n"
      "  local key = KEYS[1]\n"
      "  local identifier = ARGV[1]\n"
      "\n"
      "  if redis.call('get', key) == identifier then\n"
      "    return redis.call('del', key)\n"
      "  end\n"
      "\n"
      "  return 0\n"
      "  "},
    {"semaphore_acquire", "43ebdb49120d170e08af560cb4e46e36f8585936", FastPathKind::kNone,
     "\n"
      "  local key = KEYS[1]\n"
      "  local limit = tonumber(ARGV[1])\n"
      "  local identifier = ARGV[2]\n"
      "  local lockTimeout = tonumber(ARGV[3])\n"
      "  local now = tonumber(ARGV[4])\n"
      "  local expiredTimestamp = now - lockTimeout\n"
      "\n"
      "  redis.call('zremrangebyscore', key, '-inf', expiredTimestamp)\n"
      "\n"
      "  if redis.call('zcard', key) < limit then\n"
      "    redis.call('zadd', key, now, identifier)\n"
      "    redis.call('pexpire', key, lockTimeout)\n"
      "    return 1\n"
      "  else\n"
      "    return 0\n"
      "  end"},
    {"universal_delete", "fd83166fb3d7235e3ace652b700c9e217c1adc1f", FastPathKind::kCompareAndDelete,
     "if redis.call(\"GET\", KEYS[1]) == ARGV[1] then\n"
      "    return redis.call(\"DEL\", KEYS[1])\n"
      "  else\n"
      "    return 0\n"
      "  end"},
    {"universal_extend", "e218d686a8f90368e5cd45074f06ce766cad9987", FastPathKind::kCompareAndPexpire,
     "if redis.call(\"GET\", KEYS[1]) == ARGV[1] then\n"
      "    return redis.call(\"PEXPIRE\", KEYS[1], ARGV[2])\n"
      "  else\n"
      "    return 0\n"
      "  end"},
    {"universal_atomic_extend", "c000e088bd4aca36ab429d3b7a16fc736f4cb6f1", FastPathKind::kNone,
     "local current_ttl = redis.call(\"PTTL\", KEYS[1])\n"
      "local min_ttl = tonumber(ARGV[2])\n"
      "local new_ttl = tonumber(ARGV[3])\n"
      "\n"
      "-- Check if key exists\n"
      "if current_ttl == -2 then\n"
      "  return {-1, -2}  -- Key doesn't exist\n"
      "end\n"
      "\n"
      "-- Check if we have enough time remaining for safe extension\n"
      "if current_ttl < min_ttl then\n"
      "  return {0, current_ttl}  -- Too late, include actual TTL for logging\n"
      "end\n"
      "\n"
      "-- Check value and extend atomically\n"
      "local current_value = redis.call(\"GET\", KEYS[1])\n"
      "if current_value == ARGV[1] then\n"
      "  redis.call(\"PEXPIRE\", KEYS[1], new_ttl)\n"
      "  return {1, current_ttl}  -- Success with original TTL\n"
      "else\n"
      "  return {-1, current_ttl}  -- Value mismatch (lock stolen)\n"
      "end"},
    {"universal_batch_acquire", "514d8d1b08387624661da2a9098d3949b633eb3a", FastPathKind::kNone,
     "-- Phase 1: Check all keys are available\n"
      "  for i = 1, #KEYS do\n"
      "    if redis.call(\"EXISTS\", KEYS[i]) == 1 then\n"
      "      return {0, i, KEYS[i]}\n"
      "    end\n"
      "  end\n"
      "\n"
      "  -- Phase 2: All keys available, acquire atomically\n"
      "  local ttl = tonumber(ARGV[#ARGV])\n"
      "  for i = 1, #KEYS do\n"
      "    redis.call(\"SET\", KEYS[i], ARGV[i], \"PX\", ttl)\n"
      "  end\n"
      "\n"
      "  return {1, #KEYS}"},
    {"universal_inspect", "994908155dadb1bed08a5af6dee7fedf956c4826", FastPathKind::kNone,
     "local value = redis.call(\"GET\", KEYS[1])\n"
      "-- If key doesn't exist, return nil (becomes null in JS)\n"
      "if not value then\n"
      "  return nil\n"
      "end\n"
      "local ttl = redis.call(\"PTTL\", KEYS[1])\n"
      "-- Returns [value, ttl] as array\n"
      "return {value, ttl}"},
    {"redsync_delete", "e950836ed1e694540c503ef9972b8de518044d3b", FastPathKind::kCompareAndDeleteOrMinus1,
     "\n"
      "\tlocal val = redis.call(\"GET\", KEYS[1])\n"
      "\tif val == ARGV[1] then\n"
      "\t\treturn redis.call(\"DEL\", KEYS[1])\n"
      "\telseif val == false then\n"
      "\t\treturn -1\n"
      "\telse\n"
      "\t\treturn 0\n"
      "\tend\n"
      ""},
    {"redsync_touch", "d75bb8b5bd13532ddedd17762e772346e39b321e", FastPathKind::kCompareAndPexpire,
     "\n"
      "\tif redis.call(\"GET\", KEYS[1]) == ARGV[1] then\n"
      "\t\treturn redis.call(\"PEXPIRE\", KEYS[1], ARGV[2])\n"
      "\telse\n"
      "\t\treturn 0\n"
      "\tend\n"
      ""},
    {"redsync_touch_setnx", "b6b55c439e02c6f52ffb8be7ec8c0d0ac816ea79", FastPathKind::kNone,
     "\n"
      "\tif redis.call(\"GET\", KEYS[1]) == ARGV[1] then\n"
      "\t\treturn redis.call(\"PEXPIRE\", KEYS[1], ARGV[2])\n"
      "\telseif redis.call(\"SET\", KEYS[1], ARGV[1], \"PX\", ARGV[2], \"NX\") then\n"
      "\t\treturn 1\n"
      "\telse\n"
      "\t\treturn 0\n"
      "\tend\n"
      ""},
    {"bsm10_obtain", "eb0c00d98f6f33b4262419a509002884540f30be", FastPathKind::kNone,
     "-- obtain.lua: arguments => [value, tokenLen, ttl]\n"
      "-- Obtain.lua try to set provided keys's with value and ttl if they do not exists.\n"
      "-- Keys can be overriden if they already exists and the correct value+tokenLen is provided. \n"
      "\n"
      "local function pexpire(ttl)\n"
      "\t-- Update keys ttls.\n"
      "\tfor _, key in ipairs(KEYS) do\n"
      "\t\tredis.call(\"pexpire\", key, ttl)\n"
      "\tend\n"
      "end\n"
      "\n"
      "-- canOverrideLock check either or not the provided token match\n"
      "-- previously set lock's tokens.\n"
      "local function canOverrideKeys() \n"
      "\tlocal offset = tonumber(ARGV[2])\n"
      "\n"
      "\tfor _, key in ipairs(KEYS) do\n"
      "\t\tif redis.call(\"getrange\", key, 0, offset-1) ~= string.sub(ARGV[1], 1, offset) then\n"
      "\t\t\treturn false\n"
      "\t\tend\n"
      "\tend\n"
      "\treturn true\n"
      "end\n"
      "\n"
      "-- Prepare mset arguments.\n"
      "local setArgs = {}\n"
      "for _, key in ipairs(KEYS) do\n"
      "\ttable.insert(setArgs, key)\n"
      "\ttable.insert(setArgs, ARGV[1])\n"
      "end\n"
      "\n"
      "if redis.call(\"msetnx\", unpack(setArgs)) ~= 1 then\n"
      "\tif canOverrideKeys() == false then\n"
      "\t\treturn false\n"
      "\tend\n"
      "\tredis.call(\"mset\", unpack(setArgs))\n"
      "end\n"
      "\n"
      "pexpire(ARGV[3])\n"
      "return redis.status_reply(\"OK\")"},
    {"bsm10_release", "9470c810040e272ee6c579d8d4331aaf6332a7b1", FastPathKind::kNone,
     "-- release.lua: => Arguments: [value]\n"
      "-- Release.lua deletes provided keys if all their values match the input. \n"
      "\n"
      "-- Check all keys values matches provided input.\n"
      "local values = redis.call(\"mget\", unpack(KEYS))\n"
      "for i, _ in ipairs(KEYS) do\n"
      "\tif values[i] ~= ARGV[1] then\n"
      "\t\treturn false\n"
      "\tend\n"
      "end\n"
      "\n"
      "-- Delete keys.\n"
      "redis.call(\"del\", unpack(KEYS))\n"
      "\n"
      "return redis.status_reply(\"OK\")"},
    {"pottery_locked", "f5f7bd3a3aa4a63c507c1155c5ea1219b350d992", FastPathKind::kNone,
     "\n"
      "                if redis.call('get', KEYS[1]) == ARGV[1] then\n"
      "                    local pttl = redis.call('pttl', KEYS[1])\n"
      "                    return (pttl > 0) and pttl or 0\n"
      "                else\n"
      "                    return 0\n"
      "                end\n"
      "            "},
    {"pottery_extend", "ba015a80261b616e7a62d35df0b8e3edbe6c9414", FastPathKind::kCompareAndPexpire,
     "\n"
      "                if redis.call('get', KEYS[1]) == ARGV[1] then\n"
      "                    return redis.call('pexpire', KEYS[1], ARGV[2])\n"
      "                else\n"
      "                    return 0\n"
      "                end\n"
      "            "},
    {"pottery_release", "a4aada0b36710970eedaaaeec4a6b7d8c78c4f80", FastPathKind::kCompareAndDelete,
     "\n"
      "                if redis.call('get', KEYS[1]) == ARGV[1] then\n"
      "                    return redis.call('del', KEYS[1])\n"
      "                else\n"
      "                    return 0\n"
      "                end\n"
      "            "},
    {"redlockpy_release", "4e92fdc63815b3a0a2dd1c1df3694de73607c88d", FastPathKind::kCompareAndDelete,
     "\n"
      "    if redis.call(\"get\",KEYS[1]) == ARGV[1] then\n"
      "        return redis.call(\"del\",KEYS[1])\n"
      "    else\n"
      "        return 0\n"
      "    end"},
    {"redlockrb_lock", "ceb2b2062e40c51a2b3963fd078bc71f11bdc65c", FastPathKind::kNone,
     "      if (redis.call(\"exists\", KEYS[1]) == 0 and ARGV[3] == \"yes\") or redis.call(\"get\", KEYS[1]) == ARGV[1] then\n"
      "        return redis.call(\"set\", KEYS[1], ARGV[1], \"PX\", ARGV[2])\n"
      "      end\n"
      ""},
    {"redlockrb_unlock", "8e4905cee18e7c3188d10f2b8b170e403baed34f", FastPathKind::kCompareAndDelete,
     "      if redis.call(\"get\",KEYS[1]) == ARGV[1] then\n"
      "        return redis.call(\"del\",KEYS[1])\n"
      "      else\n"
      "        return 0\n"
      "      end\n"
      ""},
    {"redlockrb_pttl", "78d2ca48a6dc9ef6892059792a3a0c5237733d64", FastPathKind::kNone,
     "      return { redis.call(\"get\", KEYS[1]), redis.call(\"pttl\", KEYS[1]) }\n"
      ""},
    {"redlocknet_extend", "9f614a785a5f9ae8c6396c6b4bf94d2087342603", FastPathKind::kNone,
     "local currentVal = redis.call('get', KEYS[1])\n"
      "if (currentVal == false) then\n"
      "\treturn redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) and 1 or 0\n"
      "elseif (currentVal == ARGV[1]) then\n"
      "\treturn redis.call('pexpire', KEYS[1], ARGV[2])\n"
      "else\n"
      "\treturn -1\n"
      "end"},
    {"redlocknet_unlock", "18b2a577dbe847b16bebde190d69a1613d68e60e", FastPathKind::kCompareAndDelete,
     "if redis.call('get', KEYS[1]) == ARGV[1] then\n"
      "\treturn redis.call('del', KEYS[1])\n"
      "else\n"
      "\treturn 0\n"
      "end"},
    {"php_ronnylt_release", "bec85b1c518b7ba0348a49c79b24adbb1ca95d3b", FastPathKind::kCompareAndDelete,
     "\n"
      "            if redis.call(\"GET\", KEYS[1]) == ARGV[1] then\n"
      "                return redis.call(\"DEL\", KEYS[1])\n"
      "            else\n"
      "                return 0\n"
      "            end\n"
      "        "},
    {"php_reactphp_release", "d220654d7721ae520b15ed0e24a4cc97024efa08", FastPathKind::kCompareAndDelete,
     "if redis.call(\"get\", KEYS[1]) == ARGV[1] then\n"
      "    return redis.call(\"del\", KEYS[1])\n"
      "else\n"
      "    return 0\n"
      "end"},
    {"bsm09_refresh", "a7aba3bc5d6e99b3003da8b9d80a63b9f4092ecf", FastPathKind::kCompareAndPexpire,
     "if redis.call(\"get\", KEYS[1]) == ARGV[1] then return redis.call(\"pexpire\", KEYS[1], ARGV[2]) else return 0 end"},
    {"bsm09_release", "cf0e94b2e9ffc7e04395cf88f7583fc309985910", FastPathKind::kCompareAndDelete,
     "if redis.call(\"get\", KEYS[1]) == ARGV[1] then return redis.call(\"del\", KEYS[1]) else return 0 end"},
    {"bsm09_pttl", "6484da7d58920897fdc22b7f9afd1a3d47524ea8", FastPathKind::kNone,
     "if redis.call(\"get\", KEYS[1]) == ARGV[1] then return redis.call(\"pttl\", KEYS[1]) else return -3 end"},
    {"bsm09_obtain", "80a1b5f2cfccec3b7119ba7721d2127682b691a7", FastPathKind::kNone,
     "\n"
      "if redis.call(\"set\", KEYS[1], ARGV[1], \"NX\", \"PX\", ARGV[3]) then return redis.status_reply(\"OK\") end\n"
      "\n"
      "local offset = tonumber(ARGV[2])\n"
      "if redis.call(\"getrange\", KEYS[1], 0, offset-1) == string.sub(ARGV[1], 1, offset) then return redis.call(\"set\", KEYS[1], ARGV[1], \"PX\", ARGV[3]) end\n"
      ""},
    {"seed_canonical", "b70c2384248f88e6b75b9f89241a180f856ad852", FastPathKind::kCompareAndDelete,
     "if redis.call(\"get\",KEYS[1]) == ARGV[1] then return redis.call(\"del\",KEYS[1]) else return 0 end"},
};
// clang-format on

// The script called `name`, or nullptr.
constexpr const CompatScript* FindCompatScript(std::string_view name) {
  for (const CompatScript& s : kCompatScripts) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace locknode::script::testdata

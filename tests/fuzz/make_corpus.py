#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets into tests/fuzz/corpus/<target>/seed-*.

Seeds: Redis's malformed-protocol cases (tests/unit/protocol.tcl, auth.tcl; SAFETY §2.3), valid
lock commands, and the lock-library scripts of COMPAT.md §2 (read from
tests/support/compat_scripts.h, which holds their exact bytes). Crash regressions live next
to the seeds as crash-* files and are never rewritten here. Run after changing the seed list:
    python3 tests/fuzz/make_corpus.py
"""
import ast
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def resp(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def lock_scripts():
    """(name, body) of every script in compat_scripts.h, decoded from the C++ literals."""
    text = open(os.path.join(ROOT, "tests/support/compat_scripts.h")).read()
    scripts = []
    for m in re.finditer(r'\{"(\w+)", "[0-9a-f]{40}", FastPathKind::\w+,\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\}',
                         text):
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2))
        body = "".join(ast.literal_eval('"' + p + '"') for p in parts)
        scripts.append((m.group(1), body.encode()))
    return scripts


SET_X = b"*3\r\n$3\r\nSET\r\n$1\r\nx\r\n"
PAYLOAD = b"payload" * 200
RESP_SEEDS = {
    # tests/unit/protocol.tcl
    "empty_query": b"\r\nPING\r\n",
    "negative_multibulk": b"*-10\r\nPING\r\n",
    "out_of_range_multibulk": b"*3000000000\r\n",
    "wrong_payload_header": SET_X + b"fooz\r\n",
    "negative_payload_length": SET_X + b"$-10\r\n",
    "out_of_range_payload_length": SET_X + b"$2000000000\r\n",
    "non_number_payload_length": SET_X + b"$blabla\r\n",
    "multibulk_not_followed_by_bulk": b"*1\r\nfoo\r\n",
    "unbalanced_quotes": b'set """test-key""" test-value\r\nping\r\n',
    "desync_nul": b"\x00" + PAYLOAD,
    "desync_star_nul": b"*\x00" + PAYLOAD,
    "desync_dollar_nul": b"$\x00" + PAYLOAD,
    "blpop_pipeline": resp("BLPOP", "nolist", "0") * 2,
    # auth.tcl: limits for unauthenticated clients
    "unauth_multibulk": b"*100\r\n",
    "unauth_bulk": b"*1\r\n$100000000\r\n",
    # SAFETY §3.5 structured garbage
    "lie_bulk": b"*1\r\n$536870912\r\nabc",
    "int_max_plus_one": b"*2147483648\r\n",
    # valid traffic
    "lock_acquire": resp("SET", "lock:1", "3f1c9a", "NX", "PX", "30000"),
    "pipeline": resp("PING") + resp("GET", "k") + b"PING\r\n" + resp("DEL", "k"),
    "inline_quoted": b'SET "a b" \'c\\x41\' NX\r\nECHO "\\x00\\n\\t"\n',
    "empty_arg": b"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
    "hello3": resp("HELLO", "3") + resp("PING"),
}

DISPATCH_SEEDS = {
    "lock_cycle": b"SET lock tok NX PX 100\nGET lock\nPTTL lock\nSET lock other NX PX 100\n"
                  b"@150\nGET lock\nSET lock other NX PX 100\nDEL lock",
    "ttl_family": b"SET k v EX 10\nTTL k\nPEXPIRE k 5\nPERSIST k\nEXPIRETIME k\n"
                  b"PEXPIREAT k 1\nEXISTS k\nSETEX a 1 b\nPSETEX b 1 c\n@2000\nDBSIZE",
    "set_options": b"SET k v XX\nSET k v GET\nSET k v KEEPTTL\nSET k v PXAT 99999999999999\n"
                   b"SET k v EX 0\nSET k v PX -1\nSET k v NX XX\nGETRANGE k 0 -1",
    "multi": b"MSET a 1 b 2\nMGET a b c\nMSETNX a 1 x 2\nDEL a b x\nFLUSHDB\nFLUSHALL",
    "conn": b"PING\nPING hi\nECHO x\nHELLO 3\nPING\nCLIENT SETNAME n\nCLIENT GETNAME\n"
            b"CLIENT ID\nCLIENT INFO\nCLIENT LIST\nSELECT 0\nSELECT 1\nRESET\nHELLO 2",
    "server": b"INFO\nINFO server\nCOMMAND COUNT\nCOMMAND INFO get set\nCOMMAND DOCS get\n"
              b"CONFIG GET *\nCONFIG SET maxclients 10\nCONFIG SET lua-time-limit 10\nTIME\nTYPE k\nDBSIZE\nSHUTDOWN",
    "errors": b"NOPE\nGET\nSET k\nSET k v PX abc\nEXPIRE k x\nAUTH p\nCONFIG SET nope 1\n"
              b"SCRIPT NOPE\nEVAL",
    "scripts": b"SCRIPT LOAD return 1\n"
               b"EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0\n"
               b"EVAL return redis.call('set',KEYS[1],ARGV[1]) 1 w 1\n"
               b"EVAL redis.call('set','w',1) while true do end 0\nEXISTS w\n"
               b"EVAL return string.rep('x',2^30) 0\nEVAL_RO return redis.call('del','k') 1 k\n"
               b"SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db\nSCRIPT FLUSH\n"
               b"EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0",
}

LUA_SEEDS = {
    "loop": b"while true do end",
    "write_then_loop": b"redis.call('set','w',1) while true do end",
    "rep_memory": b"return string.rep('x', 2^30)",
    "recursion": b"local function f(n) return f(n + 1) + 1 end return f(1)",
    "nested_table": b"return " + b"{" * 300 + b"}" * 300,
    "unpack": b"return unpack({}, 1, 1e9)",
    "rediss_shell": b"local s = string.rep('a', 100000) collectgarbage('collect') "
                    b"return loadstring(s)",
    "metatable": b"getmetatable('').__index.upper = function() end",
    "globals": b"_G.redis = nil setmetatable(_G, {})",
    "bytecode": b"\x1bLuaQ\x00\x01\x04\x08\x04\x08\x00",
    "pcall_abort": b"while true do pcall(function() while true do end end) end",
    "reply_types": b"return {1, 'a', {err='e'}, {ok='o'}, false, true, 3.5, {double=1.5}, "
                   b"{map={a=1}}, {set={x=true}}, {big_number='1'}, redis.status_reply('s'), "
                   b"redis.error_reply('x')}",
    "redis_api": b"redis.setresp(3) local r = redis.call('hello', '3') "
                 b"local ok, e = pcall(redis.call, 'nope') redis.log(redis.LOG_WARNING, 'x') "
                 b"return {redis.sha1hex('a'), redis.pcall('get', KEYS[1]), tostring(ok)}",
    "patterns": b"return {string.find(ARGV[1], '(%a+)'), string.gsub('a-b', '-', '%%'), "
                b"string.format('%q %5.2f %s', 'x', 1.5, 'y'), ('x'):rep(3, ',')}",
}


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.startswith("seed-"):
            os.remove(os.path.join(d, f))
    for name, data in seeds.items():
        with open(os.path.join(d, "seed-" + name), "wb") as f:
            f.write(data)


def main():
    scripts = lock_scripts()
    assert len(scripts) >= 6, scripts
    resp_seeds = dict(RESP_SEEDS)
    lua_seeds = dict(LUA_SEEDS)
    dispatch_seeds = dict(DISPATCH_SEEDS)
    for name, body in scripts:
        lua_seeds["lock_" + name] = body
        resp_seeds["eval_" + name] = resp(b"EVAL", body, b"1", b"lock", b"tok", b"5000")
        # The dispatch format splits on spaces and newlines: tabs are Lua whitespace too (a
        # string literal holding a space gets a tab instead, still valid Lua).
        flat = b"\t".join(body.split())
        dispatch_seeds["eval_" + name] = b"SET lock tok PX 5000\nEVAL " + flat + b" 1 lock tok 5000"
    write("resp_parser", resp_seeds)
    write("dispatch", dispatch_seeds)
    write("lua_runner", lua_seeds)


if __name__ == "__main__":
    main()

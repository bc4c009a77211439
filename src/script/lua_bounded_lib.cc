// Bounded C library functions for the script sandbox.
//
// The count hook runs between VM instructions, so the time and instruction budgets cannot stop
// a single call into C. Every library function a script can reach is listed below with its
// worst case and how it is bounded. "Memory" means the work is linear in data that the
// per-script memory limit (lua-memory-limit, 32 MiB by default) already caps; "meter" means the
// loop is ours and charges its steps to the budget as it goes (EngineCore::ChargeWork), so it
// stops within kTimeCheckWork units of the time limit; "estimate" means the work is estimated
// from the arguments before the call, refused above kMaxCallWork (about 20 ms here) and
// charged (the time budget is checked first when it is large).
//
//   function                  worst case without a bound           bound
//   ------------------------  -----------------------------------  ---------------------------
//   string.find/match/gsub    backtracking: (n+1)^(k+1) * m        estimate (k = repetitions,
//   string.gmatch (iterator)  steps (n subject, m pattern bytes,   back-references and %b;
//                             bracket classes scanned per step)    anchored ^: one start)
//   string.rep                n * len copy                         SafeRep: memory + estimate
//   string.upper/lower/       per-byte luaL_Buffer loop over the   estimate (10 units a byte)
//     reverse                 subject
//   string.format             %q / %s copy the arguments           estimate on argument bytes
//   string.byte/char          one value per byte                   Lua stack (8000 values)
//   string.sub/len            copy of the result / O(1)            memory
//   string.dump, gfind        -                                    removed
//   table.insert(t, pos, v)   shifts #t - pos elements; pos from   estimate; pos must fit an
//                             a double cast to int (UB)            int (else "position out of
//                                                                  bounds")
//   table.remove(t, pos)      shifts #t - pos elements; same cast  estimate; same check
//   table.concat(t, s, i, j)  j - i + 1 elements, int casts        estimate; i, j must fit an int
//   table.sort                O(n^2) comparisons for adversarial   meter (our port of Lua 5.1's
//                             input (median-of-3 quicksort)        auxsort counts comparisons)
//   table.maxn                every entry                          meter (our loop)
//   table.foreach/foreachi    every entry, even with a C callback  meter (our loops)
//   table.getn/setn           binary search / error                none needed
//   tonumber(s [, base])      strtod/strtoul over s                estimate on s's bytes
//   unpack(t, i, j)           j - i + 1 values, int overflow       SafeUnpack: 8000 values
//                             (CVE-2025-46817)
//   select, type, tostring,   O(number of arguments) or a          none needed; __tostring is
//     rawequal, rawget,       metamethod (Lua code, hooked)        script code under the hook
//     next, pairs, ipairs,
//     getmetatable, assert,
//     error
//   rawset(t, k, v)           could write through a read-only      refused on read-only proxies
//                             proxy table (`redis`)
//   setmetatable              replaces a proxy's metatable         refused on read-only proxies
//   pcall / xpcall            could swallow an abort; Lua calls    the abort is sticky (the hook
//                             xpcall's handler for an abort from   fires on every instruction);
//                             inside the hook, where hooks are     xpcall's handler is skipped
//                             off: a looping handler never ends    during an abort (lua_sandbox)
//   math.*                    O(1)                                 none needed
//   redis.call/pcall          one command (O(arguments))           the command's own limits
//   redis.sha1hex(s)          hashes s                             estimate (10 units a byte)
//   redis.setresp/set_repl/   double -> int casts (UB when out of  range-checked before the
//     log                     range)                               conversion
//   VM: .., <, tonumber       concatenation, string comparison,    memory (O(n) on strings the
//     coercion of strings     strtod of a long numeric string      memory limit caps)
//   reply conversion, GC      O(reply size) / O(heap) after the    memory; both read raw, run
//     after the run           run                                  no script code
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include "script/engine_core.h"

namespace locknode::script::internal {
namespace {

// Weights: units of work per step of each kind of C loop (measured with Release liblua5.1 on
// the reference machine; conservative, a unit is about 1 ns).
constexpr double kCopyByte = 1;      // memcpy-like
constexpr double kBufferByte = 10;   // luaL_Buffer, one byte at a time
constexpr double kParseByte = 15;    // strtod / strtoul
constexpr double kPatternStep = 4;   // one single-character match of the pattern matcher
constexpr double kShiftStep = 15;    // rawgeti + rawseti
constexpr double kConcatItem = 100;  // one element of table.concat
constexpr double kCompareStep = 50;  // one comparison of table.sort (not counting a Lua callback)
constexpr double kEntryStep = 20;    // one lua_next or callback dispatch
// Lua's own LUAI_MAXCSTACK: unpack never returned more than this anyway.
constexpr double kMaxUnpack = 8000;

double ToIntegral(double v) {
  if (std::isnan(v)) return 0;
  return std::trunc(std::fmax(-9.0e15, std::fmin(9.0e15, v)));
}

// Bytes of a string argument (numbers count as their text, about 24 bytes); 0 for other types,
// which the library function itself will refuse.
double StringBytes(lua_State* lua, int index) {
  switch (lua_type(lua, index)) {
    case LUA_TSTRING:
      return static_cast<double>(lua_objlen(lua, index));
    case LUA_TNUMBER:
      return 24;
    default:
      return 0;
  }
}

double TableLength(lua_State* lua, int index) {
  return lua_istable(lua, index) ? static_cast<double>(lua_objlen(lua, index)) : 0;
}

// Optional integer argument as Lua 5.1's luaL_optint reads it, but refused (as Lua 5.3 does)
// when it does not fit an int: the C cast would be undefined behaviour.
double IntArg(lua_State* lua, int index, double fallback, const char* fname) {
  if (lua_isnoneornil(lua, index) || !lua_isnumber(lua, index)) return fallback;
  const double v = std::trunc(lua_tonumber(lua, index));
  if (!(v >= -2147483648.0 && v <= 2147483647.0)) {
    luaL_error(lua, "bad argument #%d to '%s' (position out of bounds)", index, fname);
  }
  return v;
}

void RefuseIfReadonly(lua_State* lua, int index) {
  if (IsReadonlyProxy(lua, index)) RaiseReadonly(lua);
}

// Accumulates the steps of one of our own C loops and charges them in batches, so the loop
// stops within kTimeCheckWork units of the time limit. Plain data: a longjmp may skip it.
struct WorkMeter {
  EngineCore* core;
  lua_State* lua;
  double pending = 0;
  void Add(double units) {
    pending += units;
    if (pending >= kTimeCheckWork) {
      core->ChargeWork(lua, pending);
      pending = 0;
    }
  }
};

// --- Estimated functions: cost from the arguments, then the original C function. ---------------

// Repetition items in a Lua pattern (*, +, -, ?, %b, back-references %1-%9): each can multiply
// the matcher's backtracking by the subject length.
int CountRepetitions(const char* p, size_t m) {
  int count = 0;
  for (size_t i = 0; i < m; ++i) {
    const char c = p[i];
    if (c == '%') {
      if (i + 1 < m && p[i + 1] == 'b') {
        ++count;
        i += 3;
      } else {
        if (i + 1 < m && p[i + 1] >= '1' && p[i + 1] <= '9') ++count;
        ++i;
      }
    } else if (c == '[') {
      ++i;
      if (i < m && p[i] == '^') ++i;
      if (i < m && p[i] == ']') ++i;
      while (i < m && p[i] != ']') i += (p[i] == '%') ? 2 : 1;
    } else if (c == '*' || c == '+' || c == '-' || c == '?') {
      ++count;
    }
  }
  return count;
}

// Upper bound on the single-character match steps of find/match/gmatch/gsub over a subject of
// n bytes: from each start position (one when anchored), each repetition item may try every
// remaining length, and every step may scan a bracket class as long as the pattern.
double PatternWork(lua_State* lua, bool plain_arg, bool anchor_ok) {
  size_t n = 0, m = 0;
  const char* s = lua_tolstring(lua, 1, &n);
  const char* p = lua_tolstring(lua, 2, &m);
  if (s == nullptr || p == nullptr) return 0;  // the original raises its own error
  const double subject = static_cast<double>(n) + 1;
  const double pattern = static_cast<double>(m) + 1;
  const bool plain =
      (plain_arg && lua_toboolean(lua, 4)) || std::strpbrk(p, "^$*+?.([%-") == nullptr;
  if (plain) return subject * pattern * kPatternStep;
  const bool anchored = anchor_ok && m > 0 && p[0] == '^';
  const double starts = anchored ? 1 : subject;
  return starts * std::pow(subject, CountRepetitions(p, m)) * pattern * kPatternStep;
}

double FindWork(lua_State* lua) { return PatternWork(lua, true, true); }
double MatchWork(lua_State* lua) { return PatternWork(lua, false, true); }
double GmatchWork(lua_State* lua) { return PatternWork(lua, false, false); }
double GsubWork(lua_State* lua) {
  // A string replacement is copied once per match, and there are at most n + 1 matches.
  const double repl = lua_type(lua, 3) == LUA_TSTRING ? StringBytes(lua, 3) * kBufferByte : 0;
  return PatternWork(lua, false, true) + (StringBytes(lua, 1) + 1) * repl;
}

double BufferedBytesWork(lua_State* lua) { return StringBytes(lua, 1) * kBufferByte; }

double FormatWork(lua_State* lua) {
  double bytes = 0;
  for (int i = 1, top = lua_gettop(lua); i <= top; ++i) bytes += StringBytes(lua, i);
  return bytes * kBufferByte;
}

double TonumberWork(lua_State* lua) { return StringBytes(lua, 1) * kParseByte; }

// table.insert(t, [pos,] v): Lua 5.1 shifts t[pos..#t] up by one.
double InsertWork(lua_State* lua) {
  RefuseIfReadonly(lua, 1);
  if (lua_gettop(lua) != 3) return 0;
  const double end = TableLength(lua, 1) + 1;
  const double pos = IntArg(lua, 2, end, "insert");
  return std::fmax(0, end - pos) * kShiftStep;
}

// table.remove(t [, pos]): shifts t[pos+1..#t] down when 1 <= pos <= #t.
double RemoveWork(lua_State* lua) {
  RefuseIfReadonly(lua, 1);
  const double end = TableLength(lua, 1);
  const double pos = IntArg(lua, 2, end, "remove");
  return (pos >= 1 && pos <= end ? end - pos : 0) * kShiftStep;
}

double ConcatWork(lua_State* lua) {
  const double first = IntArg(lua, 3, 1, "concat");
  const double last = IntArg(lua, 4, TableLength(lua, 1), "concat");
  return std::fmax(0, last - first + 1) * kConcatItem;
}

double RawsetWork(lua_State* lua) {
  RefuseIfReadonly(lua, 1);
  return 0;
}

using WorkFn = double (*)(lua_State*);

struct Estimated {
  const char* library;  // nullptr: a base function (global)
  const char* name;
  WorkFn work;          // estimated units of work of this call; see the audit table
  const char* refusal;  // the error when the estimate is over kMaxCallWork
};

constexpr char kTooMuchWork[] = "too much work for one call in the script sandbox";

constexpr Estimated kEstimated[] = {
    {"string", "find", FindWork, "pattern too complex for the script sandbox"},
    {"string", "match", MatchWork, "pattern too complex for the script sandbox"},
    {"string", "gmatch", GmatchWork, "pattern too complex for the script sandbox"},
    {"string", "gsub", GsubWork, "pattern too complex for the script sandbox"},
    {"string", "upper", BufferedBytesWork, kTooMuchWork},
    {"string", "lower", BufferedBytesWork, kTooMuchWork},
    {"string", "reverse", BufferedBytesWork, kTooMuchWork},
    {"string", "format", FormatWork, kTooMuchWork},
    {"table", "insert", InsertWork, kTooMuchWork},
    {"table", "remove", RemoveWork, kTooMuchWork},
    {"table", "concat", ConcatWork, kTooMuchWork},
    {nullptr, "tonumber", TonumberWork, kTooMuchWork},
    {nullptr, "rawset", RawsetWork, kTooMuchWork},
};

// Upvalue 1: the original C function; upvalue 2: its index in kEstimated. The original runs in
// this same frame (not through lua_call), so its argument errors still name the function.
int EstimatedCall(lua_State* lua) {
  const Estimated& spec = kEstimated[lua_tointeger(lua, lua_upvalueindex(2))];
  const double units = spec.work(lua);
  if (units > kMaxCallWork) return luaL_error(lua, "%s: %s", spec.name, spec.refusal);
  CoreOf(lua)->ChargeWork(lua, units);
  return lua_tocfunction(lua, lua_upvalueindex(1))(lua);
}

// --- Our own loops, metered as they go. --------------------------------------------------------

int SafeUnpack(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  const double first = ToIntegral(luaL_optnumber(lua, 2, 1));
  const double last = ToIntegral(lua_isnoneornil(lua, 3) ? static_cast<double>(lua_objlen(lua, 1))
                                                         : luaL_checknumber(lua, 3));
  if (first > last) return 0;
  const double count = last - first + 1;
  if (count > kMaxUnpack || !lua_checkstack(lua, static_cast<int>(count))) {
    return luaL_error(lua, "too many results to unpack");
  }
  for (double k = first; k <= last; k += 1) {
    lua_pushnumber(lua, k);
    lua_rawget(lua, 1);
  }
  return static_cast<int>(count);
}

// string.rep without Lua 5.1's char-by-char loop: a zero-length or huge request would spin
// in C where the count hook never fires. Oversized results abort like any allocation failure.
int SafeRep(lua_State* lua) {
  size_t len = 0;
  const char* s = luaL_checklstring(lua, 1, &len);
  const double n = ToIntegral(luaL_checknumber(lua, 2));
  if (n <= 0 || len == 0) {
    lua_pushliteral(lua, "");
    return 1;
  }
  EngineCore* core = CoreOf(lua);
  const double total = n * static_cast<double>(len);
  if (core->enforce &&
      (core->used >= core->cap || total > static_cast<double>(core->cap - core->used))) {
    core->MarkAborted(AbortReason::kMemory);
    return core->RaiseAbort(lua);
  }
  core->ChargeWork(lua, total * kCopyByte);
  const auto bytes = static_cast<size_t>(total);
  auto* buf = static_cast<char*>(lua_newuserdata(lua, bytes));
  // Doubling copies: O(log n) memcpy calls, so string.rep('x', 4e6) is not four million.
  std::memcpy(buf, s, len);
  for (size_t filled = len; filled < bytes; filled *= 2) {
    std::memcpy(buf + filled, buf, std::min(filled, bytes - filled));
  }
  lua_pushlstring(lua, buf, bytes);
  return 1;
}

// table.maxn: the largest positive numeric key.
int SafeMaxn(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  WorkMeter meter{CoreOf(lua), lua};
  lua_Number max = 0;
  lua_pushnil(lua);
  while (lua_next(lua, 1) != 0) {
    meter.Add(kEntryStep);
    lua_pop(lua, 1);
    if (lua_type(lua, -1) == LUA_TNUMBER) max = std::fmax(max, lua_tonumber(lua, -1));
  }
  lua_pushnumber(lua, max);
  return 1;
}

// table.foreach(t, f): f(k, v) for every entry until f returns a non-nil value.
int SafeForeach(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  luaL_checktype(lua, 2, LUA_TFUNCTION);
  WorkMeter meter{CoreOf(lua), lua};
  lua_pushnil(lua);
  while (lua_next(lua, 1) != 0) {
    meter.Add(kEntryStep);
    lua_pushvalue(lua, 2);
    lua_pushvalue(lua, -3);
    lua_pushvalue(lua, -3);
    lua_call(lua, 2, 1);
    if (!lua_isnil(lua, -1)) return 1;
    lua_pop(lua, 2);
  }
  return 0;
}

// table.foreachi(t, f): f(i, t[i]) for i = 1..#t until f returns a non-nil value.
int SafeForeachi(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  luaL_checktype(lua, 2, LUA_TFUNCTION);
  WorkMeter meter{CoreOf(lua), lua};
  const int n = static_cast<int>(lua_objlen(lua, 1));
  for (int i = 1; i <= n; ++i) {
    meter.Add(kEntryStep);
    lua_pushvalue(lua, 2);
    lua_pushinteger(lua, i);
    lua_rawgeti(lua, 1, i);
    lua_call(lua, 2, 1);
    if (!lua_isnil(lua, -1)) return 1;
    lua_pop(lua, 1);
  }
  return 0;
}

// table.sort: Lua 5.1's auxsort (ltablib.c, MIT licence, Copyright 1994-2012 Lua.org, PUC-Rio),
// unchanged but for the WorkMeter: a median-of-3 quicksort has O(n^2) adversarial inputs.
struct SortState {
  lua_State* lua;
  WorkMeter meter;
};

void Set2(lua_State* lua, int i, int j) {
  lua_rawseti(lua, 1, i);
  lua_rawseti(lua, 1, j);
}

bool SortLess(SortState& s, int a, int b) {
  lua_State* lua = s.lua;
  s.meter.Add(kCompareStep);
  if (!lua_isnil(lua, 2)) {
    lua_pushvalue(lua, 2);
    lua_pushvalue(lua, a - 1);  // -1 to compensate for the function
    lua_pushvalue(lua, b - 2);  // -2 to compensate for the function and `a`
    lua_call(lua, 2, 1);
    const bool res = lua_toboolean(lua, -1) != 0;
    lua_pop(lua, 1);
    return res;
  }
  return lua_lessthan(lua, a, b) != 0;
}

void AuxSort(SortState& s, int l, int u) {
  lua_State* lua = s.lua;
  while (l < u) {  // a loop for the larger half, recursion for the smaller one
    lua_rawgeti(lua, 1, l);
    lua_rawgeti(lua, 1, u);
    if (SortLess(s, -1, -2)) {
      Set2(lua, l, u);  // a[u] < a[l]: swap
    } else {
      lua_pop(lua, 2);
    }
    if (u - l == 1) break;
    int i = (l + u) / 2;
    lua_rawgeti(lua, 1, i);
    lua_rawgeti(lua, 1, l);
    if (SortLess(s, -2, -1)) {
      Set2(lua, i, l);  // a[i] < a[l]
    } else {
      lua_pop(lua, 1);
      lua_rawgeti(lua, 1, u);
      if (SortLess(s, -1, -2)) {
        Set2(lua, i, u);  // a[u] < a[i]
      } else {
        lua_pop(lua, 2);
      }
    }
    if (u - l == 2) break;
    lua_rawgeti(lua, 1, i);  // the pivot
    lua_pushvalue(lua, -1);
    lua_rawgeti(lua, 1, u - 1);
    Set2(lua, i, u - 1);
    // a[l] <= P == a[u-1] <= a[u]: only l+1 .. u-2 remain.
    i = l;
    int j = u - 1;
    for (;;) {
      while (lua_rawgeti(lua, 1, ++i), SortLess(s, -1, -2)) {
        if (i > u) luaL_error(lua, "invalid order function for sorting");
        lua_pop(lua, 1);
      }
      while (lua_rawgeti(lua, 1, --j), SortLess(s, -3, -1)) {
        if (j < l) luaL_error(lua, "invalid order function for sorting");
        lua_pop(lua, 1);
      }
      if (j < i) {
        lua_pop(lua, 3);
        break;
      }
      Set2(lua, i, j);
    }
    lua_rawgeti(lua, 1, u - 1);
    lua_rawgeti(lua, 1, i);
    Set2(lua, u - 1, i);  // the pivot goes to a[i]
    if (i - l < u - i) {
      j = l;
      i = i - 1;
      l = i + 2;
    } else {
      j = i + 1;
      i = u;
      u = j - 2;
    }
    AuxSort(s, j, i);
  }
}

int SafeSort(lua_State* lua) {
  luaL_checktype(lua, 1, LUA_TTABLE);
  RefuseIfReadonly(lua, 1);
  const int n = static_cast<int>(lua_objlen(lua, 1));
  luaL_checkstack(lua, 40, "");
  if (!lua_isnoneornil(lua, 2)) luaL_checktype(lua, 2, LUA_TFUNCTION);
  lua_settop(lua, 2);
  SortState state{lua, WorkMeter{CoreOf(lua), lua}};
  AuxSort(state, 1, n);
  return 0;
}

void SetFunction(lua_State* lua, const char* library, const char* name, lua_CFunction fn) {
  if (library == nullptr) {
    lua_pushcfunction(lua, fn);
    lua_setfield(lua, LUA_GLOBALSINDEX, name);
    return;
  }
  lua_getfield(lua, LUA_GLOBALSINDEX, library);
  lua_pushcfunction(lua, fn);
  lua_setfield(lua, -2, name);
  lua_pop(lua, 1);
}

void WrapEstimated(lua_State* lua, int index) {
  const Estimated& spec = kEstimated[index];
  if (spec.library == nullptr) {
    lua_pushvalue(lua, LUA_GLOBALSINDEX);
  } else {
    lua_getfield(lua, LUA_GLOBALSINDEX, spec.library);
  }
  lua_getfield(lua, -1, spec.name);
  lua_pushinteger(lua, index);
  lua_pushcclosure(lua, EstimatedCall, 2);
  lua_setfield(lua, -2, spec.name);
  lua_pop(lua, 1);
}

}  // namespace

void BoundLibraries(lua_State* lua) {
  for (int i = 0; i < static_cast<int>(std::size(kEstimated)); ++i) WrapEstimated(lua, i);
  SetFunction(lua, nullptr, "unpack", SafeUnpack);
  SetFunction(lua, "string", "rep", SafeRep);
  SetFunction(lua, "table", "maxn", SafeMaxn);
  SetFunction(lua, "table", "foreach", SafeForeach);
  SetFunction(lua, "table", "foreachi", SafeForeachi);
  SetFunction(lua, "table", "sort", SafeSort);
}

}  // namespace locknode::script::internal

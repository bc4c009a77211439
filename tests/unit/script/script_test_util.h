#pragma once

// Test doubles for the script module: a RESP2-encoding sink (so expectations can be copied
// from redis-server 7.0.15 wire replies) and a CommandInvoker over a tiny map store.

#include <cctype>
#include <cstdio>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "locknode/base/strings.h"
#include "locknode/protocol/reply_sink.h"
#include "locknode/script/command_invoker.h"
#include "locknode/script/lua_engine.h"

namespace locknode::script::testing {

// Encodes replies as RESP2 bytes, like a RESP2 client would receive them. (Appended piece by
// piece: "+" + std::string(...) makes GCC 12 -O3 warn -Wrestrict, a false positive.)
class RespSink final : public protocol::ReplySink {
 public:
  void Simple(std::string_view s) override { out.append("+").append(s).append("\r\n"); }
  void Error(std::string_view full) override { out.append("-").append(full).append("\r\n"); }
  void Integer(int64_t v) override { out.append(":").append(std::to_string(v)).append("\r\n"); }
  void Bulk(std::string_view s) override {
    out.append("$").append(std::to_string(s.size())).append("\r\n").append(s).append("\r\n");
  }
  void Null() override { out += "$-1\r\n"; }
  void NullArray() override { out += "*-1\r\n"; }
  void Array(size_t n) override { out.append("*").append(std::to_string(n)).append("\r\n"); }
  void Map(size_t n) override { out.append("*").append(std::to_string(2 * n)).append("\r\n"); }
  void Set(size_t n) override { out.append("*").append(std::to_string(n)).append("\r\n"); }
  void Verbatim(std::string_view s) override { Bulk(s); }
  void Double(double d) override {
    char buf[64];
    Bulk(std::string_view(buf, static_cast<size_t>(std::snprintf(buf, sizeof(buf), "%.17g", d))));
  }
  std::string out;
};

// GET/SET/DEL/PEXPIRE/PTTL/EXISTS/PING/SELECT/INCR over std::map with deadlines on `now`.
class FakeStore final : public CommandInvoker {
 public:
  struct Value {
    std::string data;
    std::optional<int64_t> deadline;
  };

  void Call(std::span<const std::string_view> args, protocol::ReplySink& sink) override {
    calls.emplace_back();
    for (std::string_view a : args) calls.back().emplace_back(a);
    std::string name(args[0]);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const Spec* spec = Find(name);
    if (spec == nullptr) return sink.Error(kErrScriptUnknownCommand);
    if (spec->noscript) return sink.Error(kErrScriptNotAllowed);
    const int argc = static_cast<int>(args.size());
    if ((spec->arity > 0 && argc != spec->arity) || (spec->arity < 0 && argc < -spec->arity)) {
      return sink.Error(kErrScriptWrongArity);
    }
    Dispatch(name, args, sink);
  }

  Value* Lookup(std::string_view key) {
    auto it = data.find(std::string(key));
    if (it == data.end()) return nullptr;
    if (it->second.deadline && now > *it->second.deadline) {
      data.erase(it);
      return nullptr;
    }
    return &it->second;
  }

  std::map<std::string, Value> data;
  int64_t now = 1000;
  std::vector<std::vector<std::string>> calls;

 private:
  struct Spec {
    const char* name;
    int arity;
    bool noscript;
  };
  static const Spec* Find(const std::string& name) {
    static constexpr Spec kSpecs[] = {
        {"get", 2, false},  {"set", -3, false},    {"del", -2, false},  {"pexpire", 3, false},
        {"pttl", 2, false}, {"exists", -2, false}, {"ping", -1, false}, {"select", 2, false},
        {"incr", 2, false}, {"eval", -3, true},    {"auth", -2, true},  {"mget", -2, false},
    };
    for (const Spec& s : kSpecs) {
      if (name == s.name) return &s;
    }
    return nullptr;
  }

  void Dispatch(const std::string& name, std::span<const std::string_view> a,
                protocol::ReplySink& sink) {
    if (name == "get") {
      Value* v = Lookup(a[1]);
      return v ? sink.Bulk(v->data) : sink.Null();
    }
    if (name == "set") return Set(a, sink);
    if (name == "del" || name == "exists") {
      int64_t n = 0;
      for (size_t i = 1; i < a.size(); ++i) {
        if (Lookup(a[i]) == nullptr) continue;
        ++n;
        if (name == "del") data.erase(std::string(a[i]));
      }
      return sink.Integer(n);
    }
    if (name == "pexpire") {
      auto ms = ParseInt64(a[2]);
      if (!ms) return sink.Error("ERR value is not an integer or out of range");
      Value* v = Lookup(a[1]);
      if (v == nullptr) return sink.Integer(0);
      v->deadline = now + *ms;
      return sink.Integer(1);
    }
    if (name == "pttl") {
      Value* v = Lookup(a[1]);
      if (v == nullptr) return sink.Integer(-2);
      return sink.Integer(v->deadline ? *v->deadline - now : -1);
    }
    if (name == "mget") {
      sink.Array(a.size() - 1);
      for (size_t i = 1; i < a.size(); ++i) {
        Value* v = Lookup(a[i]);
        v ? sink.Bulk(v->data) : sink.Null();
      }
      return;
    }
    if (name == "ping") return a.size() > 1 ? sink.Bulk(a[1]) : sink.Simple("PONG");
    if (name == "select") {
      return a[1] == "0" ? sink.Ok() : sink.Error("ERR DB index is out of range");
    }
    sink.Error("ERR value is not an integer or out of range");  // incr on our string values
  }

  void Set(std::span<const std::string_view> a, protocol::ReplySink& sink) {
    bool nx = false;
    std::optional<int64_t> px;
    for (size_t i = 3; i < a.size(); ++i) {
      if (EqualsIgnoreCase(a[i], "nx")) {
        nx = true;
      } else if (EqualsIgnoreCase(a[i], "px") && i + 1 < a.size()) {
        px = ParseInt64(a[++i]);
        if (!px) return sink.Error("ERR value is not an integer or out of range");
        if (*px <= 0) return sink.Error("ERR invalid expire time in 'set' command");
      } else {
        return sink.Error("ERR syntax error");
      }
    }
    if (nx && Lookup(a[1]) != nullptr) return sink.Null();
    Value& v = data[std::string(a[1])];
    v.data = std::string(a[2]);
    v.deadline = px ? std::optional<int64_t>(now + *px) : std::nullopt;
    sink.Ok();
  }
};

inline EngineOptions TestOptions(int64_t* clock) {
  EngineOptions o;
  o.now_ms = [clock] { return *clock; };
  o.limits.instruction_limit = 5'000'000;
  o.limits.memory_limit_bytes = size_t{8} << 20;
  return o;
}

}  // namespace locknode::script::testing

#include <gtest/gtest.h>

#include "locknode/script/script_cache.h"

namespace locknode::script::testing {

// EVAL through a real engine and cache against a FakeStore; replies as RESP2 bytes.
class ScriptFixture : public ::testing::Test {
 protected:
  ScriptFixture() : engine_(TestOptions(&clock_)), cache_(engine_, CacheLimits{}) {}

  std::string Eval(std::string_view body, std::vector<std::string_view> keys = {},
                   std::vector<std::string_view> argv = {}) {
    RespSink sink;
    std::string error;
    const ScriptEntry* entry = cache_.Intern(body, &error);
    if (entry == nullptr) return "-" + error + "\r\n";
    status_ = engine_.Run(entry->fn, entry->sha, keys, argv, store_, sink);
    return sink.out;
  }

  // The error line without the " script: <sha>, on @user_script:N." suffix.
  std::string ErrorOf(std::string_view body) {
    std::string r = Eval(body);
    const size_t cut = r.find(" script: ");
    return cut == std::string::npos ? r : r.substr(0, cut);
  }

  void Put(const std::string& key, const std::string& value,
           std::optional<int64_t> ttl = std::nullopt) {
    store_.data[key] = FakeStore::Value{value, ttl ? std::optional(store_.now + *ttl) : ttl};
  }

  int64_t clock_ = 0;
  LuaEngine engine_;
  ScriptCache cache_;
  FakeStore store_;
  RunStatus status_ = RunStatus::kOk;
};

}  // namespace locknode::script::testing

#include "locknode/script/fast_path.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

namespace locknode::script {
namespace {

enum class TokenType : uint8_t { kName, kString, kNumber, kSymbol };

struct Token {
  TokenType type;
  std::string text;
};

// A Lua 5.1 lexer, just enough to compare scripts: it must accept every valid script it sees
// and may reject odd ones (they then simply run in Lua).
class Lexer {
 public:
  explicit Lexer(std::string_view src) : s_(src) {}

  bool Run(std::vector<Token>* out) {
    while (true) {
      SkipSpaceAndComments();
      if (failed_) return false;
      if (i_ >= s_.size()) return true;
      Token tok;
      if (!Next(&tok)) return false;
      out->push_back(std::move(tok));
    }
  }

 private:
  char Peek(size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }

  // "[", "[=*[" -> level (number of '='), or -1 if this is not a long bracket.
  int LongBracketLevel() const {
    if (Peek() != '[') return -1;
    size_t j = 1;
    while (Peek(j) == '=') ++j;
    return Peek(j) == '[' ? static_cast<int>(j - 1) : -1;
  }

  bool ReadLongBracket(int level, std::string* content) {
    i_ += static_cast<size_t>(level) + 2;
    if (Peek() == '\r' || Peek() == '\n') ++i_;  // the first newline is skipped
    // "]", level '=', "]" (filled in place: "]" + std::string(...) trips GCC 12's -Wrestrict).
    std::string close(static_cast<size_t>(level) + 2, '=');
    close.front() = ']';
    close.back() = ']';
    const size_t end = s_.find(close, i_);
    if (end == std::string_view::npos) return false;
    if (content != nullptr) content->assign(s_.substr(i_, end - i_));
    i_ = end + close.size();
    return true;
  }

  void SkipSpaceAndComments() {
    while (i_ < s_.size()) {
      if (std::isspace(static_cast<unsigned char>(s_[i_]))) {
        ++i_;
      } else if (Peek() == '-' && Peek(1) == '-') {
        i_ += 2;
        const int level = LongBracketLevel();
        if (level >= 0) {
          if (!ReadLongBracket(level, nullptr)) failed_ = true;
        } else {
          while (i_ < s_.size() && s_[i_] != '\n') ++i_;
        }
      } else {
        return;
      }
    }
  }

  bool ReadQuoted(std::string* out) {
    const char quote = s_[i_++];
    while (i_ < s_.size() && s_[i_] != quote) {
      char c = s_[i_++];
      if (c == '\n') return false;
      if (c == '\\') {
        if (i_ >= s_.size()) return false;
        c = s_[i_++];
        static constexpr std::string_view kFrom = "abfnrtv", kTo = "\a\b\f\n\r\t\v";
        if (const size_t k = kFrom.find(c); k != std::string_view::npos) {
          c = kTo[k];
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
          int v = c - '0';
          for (int d = 0; d < 2 && std::isdigit(static_cast<unsigned char>(Peek())); ++d) {
            v = v * 10 + (s_[i_++] - '0');
          }
          if (v > 255) return false;
          c = static_cast<char>(v);
        }
      }
      out->push_back(c);
    }
    if (i_ >= s_.size()) return false;
    ++i_;
    return true;
  }

  bool ReadNumber(Token* tok) {
    const size_t start = i_;
    while (std::isalnum(static_cast<unsigned char>(Peek())) || Peek() == '.' || Peek() == '_' ||
           ((Peek() == '+' || Peek() == '-') && (s_[i_ - 1] == 'e' || s_[i_ - 1] == 'E'))) {
      ++i_;
    }
    const std::string text(s_.substr(start, i_ - start));
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return false;
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.17g", v);
    tok->type = TokenType::kNumber;
    tok->text = buf;
    return true;
  }

  bool Next(Token* tok) {
    const char c = Peek();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      const size_t start = i_;
      while (std::isalnum(static_cast<unsigned char>(Peek())) || Peek() == '_') ++i_;
      *tok = Token{TokenType::kName, std::string(s_.substr(start, i_ - start))};
      return true;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && std::isdigit(static_cast<unsigned char>(Peek(1))))) {
      return ReadNumber(tok);
    }
    if (c == '"' || c == '\'') {
      tok->type = TokenType::kString;
      return ReadQuoted(&tok->text);
    }
    if (const int level = LongBracketLevel(); level >= 0) {
      tok->type = TokenType::kString;
      return ReadLongBracket(level, &tok->text);
    }
    for (std::string_view op : {"...", "..", "==", "~=", "<=", ">="}) {
      if (s_.substr(i_).starts_with(op)) {
        *tok = Token{TokenType::kSymbol, std::string(op)};
        i_ += op.size();
        return true;
      }
    }
    if (std::string_view("+-*/%^#<>=(){}[];:,.").find(c) == std::string_view::npos) return false;
    *tok = Token{TokenType::kSymbol, std::string(1, c)};
    ++i_;
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
  bool failed_ = false;
};

bool IsSymbol(const Token& t, std::string_view s) {
  return t.type == TokenType::kSymbol && t.text == s;
}
bool IsName(const Token& t, std::string_view s) {
  return t.type == TokenType::kName && t.text == s;
}

// redis.call("GET", ...) and redis.call("get", ...) are the same command.
bool IsCommandNameSlot(const std::vector<Token>& toks, size_t i) {
  return i >= 4 && IsName(toks[i - 4], "redis") && IsSymbol(toks[i - 3], ".") &&
         (IsName(toks[i - 2], "call") || IsName(toks[i - 2], "pcall")) &&
         IsSymbol(toks[i - 1], "(");
}

// Marks names declared by `local a, b` / `local function f` / `for a, b in` / `for i =`. Each
// declaration gets a fresh canonical name "$n"; later uses of the name map to the newest one.
// Function parameters are not renamed: a script using them simply does not match.
void RenameLocals(std::vector<Token>& toks) {
  std::unordered_map<std::string, std::string> current;
  int next_id = 0;
  for (size_t i = 0; i < toks.size(); ++i) {
    if (toks[i].type != TokenType::kName) continue;
    const bool declares = IsName(toks[i], "local") || IsName(toks[i], "for");
    if (declares) {
      size_t j = i + 1;
      if (j < toks.size() && IsName(toks[j], "function")) ++j;
      while (j < toks.size() && toks[j].type == TokenType::kName) {
        std::string fresh(1, '$');  // not "$" + to_string(): GCC 12's -Wrestrict false positive
        fresh += std::to_string(++next_id);
        current[toks[j].text] = fresh;
        toks[j].text = fresh;
        if (j + 1 < toks.size() && IsSymbol(toks[j + 1], ",")) {
          j += 2;
        } else {
          break;
        }
      }
      i = j;
      continue;
    }
    // A field name after '.' or ':' is not a variable.
    if (i > 0 && (IsSymbol(toks[i - 1], ".") || IsSymbol(toks[i - 1], ":"))) continue;
    if (auto it = current.find(toks[i].text); it != current.end()) toks[i].text = it->second;
  }
}

}  // namespace

bool NormalizeLua(std::string_view body, std::string* out) {
  std::vector<Token> toks;
  if (!Lexer(body).Run(&toks)) return false;
  RenameLocals(toks);
  out->clear();
  for (size_t i = 0; i < toks.size(); ++i) {
    Token& t = toks[i];
    // ';' only separates statements; keep it where dropping it could join two statements.
    if (IsSymbol(t, ";") && !(i + 1 < toks.size() && IsSymbol(toks[i + 1], "("))) continue;
    if (t.type == TokenType::kString) {
      if (IsCommandNameSlot(toks, i)) {
        for (char& c : t.text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      out->append("s").append(std::to_string(t.text.size())).append(":");
    }
    out->append(t.text).append(" ");
  }
  return true;
}

namespace {

struct Template {
  std::string_view library;
  FastPathKind kind;
  uint8_t token_arg, ttl_arg, min_argv;
  FastPathWrite write;
  std::string_view body;
};

// Canonical forms (COMPAT.md §2). Each stands for every script with the same normal form.
constexpr Template kTemplates[] = {
    {"get/del (redlock-rb, redlock-py, pottery, bsm 0.9, RedLock.net, redlock-universal, php)",
     FastPathKind::kCompareAndDelete, 0, 0, 1, FastPathWrite::kDel,
     R"(if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("del",KEYS[1]) else
        return 0 end)"},
    {"redis-py release", FastPathKind::kCompareAndDelete, 0, 0, 1, FastPathWrite::kDel,
     R"(local token = redis.call('get', KEYS[1]) if not token or token ~= ARGV[1] then return 0
        end redis.call('del', KEYS[1]) return 1)"},
    {"redis-semaphore release", FastPathKind::kCompareAndDelete, 0, 0, 1, FastPathWrite::kDel,
     R"(local key = KEYS[1] local identifier = ARGV[1] if redis.call('get', key) == identifier
        then return redis.call('del', key) end return 0)"},
    {"redlock 4/5 release", FastPathKind::kCompareAndDelete, 0, 0, 1, FastPathWrite::kDel,
     R"(local count = 0 for i, key in ipairs(KEYS) do if redis.call("get", key) == ARGV[1] then
        redis.pcall("del", key) count = count + 1 end end return count)"},
    {"redsync delete", FastPathKind::kCompareAndDeleteOrMinus1, 0, 0, 1, FastPathWrite::kDel,
     R"(local val = redis.call("GET", KEYS[1]) if val == ARGV[1] then return
        redis.call("DEL", KEYS[1]) elseif val == false then return -1 else return 0 end)"},
    {"get/pexpire (redsync touch, pottery, bsm 0.9, redlock-universal)",
     FastPathKind::kCompareAndPexpire, 0, 1, 2, FastPathWrite::kPexpire,
     R"(if redis.call("get",KEYS[1]) == ARGV[1] then return redis.call("pexpire",KEYS[1],ARGV[2])
        else return 0 end)"},
    {"redis-py reacquire", FastPathKind::kCompareAndPexpire, 0, 1, 2, FastPathWrite::kPexpire,
     R"(local token = redis.call('get', KEYS[1]) if not token or token ~= ARGV[1] then return 0
        end redis.call('pexpire', KEYS[1], ARGV[2]) return 1)"},
    {"redis-semaphore refresh", FastPathKind::kCompareAndPexpire, 0, 1, 2, FastPathWrite::kPexpire,
     R"(local key = KEYS[1] local identifier = ARGV[1] local lockTimeout = ARGV[2] local value =
        redis.call('get', key) if value == identifier then redis.call('pexpire', key, lockTimeout)
        return 1 end return 0)"},
    {"redlock 4/5 extend", FastPathKind::kCompareAndPexpire, 0, 1, 2, FastPathWrite::kSetPx,
     R"(for i, key in ipairs(KEYS) do if redis.call("get", key) ~= ARGV[1] then return 0 end end
        for i, key in ipairs(KEYS) do redis.call("set", key, ARGV[1], "PX", ARGV[2]) end
        return #KEYS)"},
};

struct NormalizedTemplates {
  std::array<std::string, std::size(kTemplates)> forms;
  NormalizedTemplates() {
    for (size_t i = 0; i < forms.size(); ++i) NormalizeLua(kTemplates[i].body, &forms[i]);
  }
};

}  // namespace

FastPath ClassifyScript(std::string_view body) {
  static const NormalizedTemplates templates;
  std::string form;
  if (!NormalizeLua(body, &form)) return {};
  for (size_t i = 0; i < templates.forms.size(); ++i) {
    if (form == templates.forms[i]) {
      const Template& t = kTemplates[i];
      return FastPath{t.kind, t.token_arg, t.ttl_arg, t.min_argv, t.library, t.write};
    }
  }
  return {};
}

}  // namespace locknode::script

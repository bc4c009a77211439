#include "command_hints.h"

#include <cstddef>

namespace locknode::command {
namespace {

bool IsTokenWord(std::string_view w) {
  bool letter = false;
  for (char c : w) {
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') letter = true;
  }
  return letter;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

DocArg WordArg(std::string_view w) {
  DocArg a;
  if (IsTokenWord(w)) {
    a.name = Lower(w);
    a.type = "pure-token";
    a.token = std::string(w);
  } else {
    a.name = std::string(w);
    a.type = w == "key" ? "key" : "string";
  }
  return a;
}

// Recursive descent over the hint; `ok` latches the first structural error.
class HintParser {
 public:
  explicit HintParser(std::string_view s) : s_(s) {}

  // alternatives := sequence ('|' sequence)*; each returned element is one sequence.
  std::vector<std::vector<DocArg>> Alternatives() {
    std::vector<std::vector<DocArg>> alts;
    alts.push_back(Sequence());
    while (ok_ && pos_ < s_.size() && s_[pos_] == '|') {
      ++pos_;
      alts.push_back(Sequence());
    }
    return alts;
  }
  bool done() const { return ok_ && pos_ == s_.size(); }

 private:
  std::vector<DocArg> Sequence() {
    std::vector<DocArg> seq;
    while (ok_ && pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == ' ') {
        ++pos_;
      } else if (c == '|' || c == ']') {
        break;
      } else if (c == '[') {
        Bracket(&seq);
      } else {
        seq.push_back(WordArg(Word()));
      }
    }
    if (seq.empty()) ok_ = false;
    return seq;
  }

  // "[x ...]" right after x marks x multiple, "[a b ...]" after a b makes a multiple block of
  // them (CONFIG SET "parameter value [parameter value ...]"); any other "[...]" is optional.
  void Bracket(std::vector<DocArg>* seq) {
    const size_t close = s_.find(']', pos_);
    const std::string_view inner = close == std::string_view::npos
                                       ? std::string_view()
                                       : s_.substr(pos_ + 1, close - pos_ - 1);
    if (inner.size() > 4 && inner.substr(inner.size() - 4) == " ..." &&
        inner.find('[') == std::string_view::npos) {
      if (!MarkRepeated(seq, inner.substr(0, inner.size() - 4))) ok_ = false;
      pos_ = close + 1;
      return;
    }
    ++pos_;
    DocArg group = Combine(Alternatives());
    if (!ok_ || pos_ >= s_.size() || s_[pos_] != ']') {
      ok_ = false;
      return;
    }
    ++pos_;
    group.optional = true;
    seq->push_back(std::move(group));
  }

  // Finds the trailing items of `seq` that render as `repeated` and marks them multiple.
  static bool MarkRepeated(std::vector<DocArg>* seq, std::string_view repeated) {
    size_t words = 1;
    for (char c : repeated) words += c == ' ' ? 1 : 0;
    if (seq->size() < words) return false;
    const std::vector<DocArg> tail(seq->end() - static_cast<std::ptrdiff_t>(words), seq->end());
    if (RenderArguments(tail) != repeated) return false;
    if (words == 1) {
      seq->back().multiple = true;
      return true;
    }
    DocArg block;
    block.name = tail[0].name;
    block.type = "block";
    block.multiple = true;
    block.children = tail;
    seq->resize(seq->size() - words);
    seq->push_back(std::move(block));
    return true;
  }

  std::string_view Word() {
    const size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != ' ' && s_[pos_] != '|' && s_[pos_] != '[' &&
           s_[pos_] != ']') {
      ++pos_;
    }
    return s_.substr(start, pos_ - start);
  }

 public:
  // One sequence -> itself (collapsing "TOKEN name" into a token argument); several -> oneof.
  static DocArg FromSequence(std::vector<DocArg> seq) {
    if (seq.size() == 1) return std::move(seq[0]);
    if (seq.size() == 2 && seq[0].type == "pure-token" && !seq[0].optional && !seq[0].multiple &&
        (seq[1].type == "string" || seq[1].type == "key")) {
      DocArg a = std::move(seq[1]);
      a.token = seq[0].token;
      return a;
    }
    DocArg block;
    block.name = seq[0].name;
    block.type = "block";
    block.children = std::move(seq);
    return block;
  }
  static DocArg Combine(std::vector<std::vector<DocArg>> alts) {
    if (alts.size() == 1) return FromSequence(std::move(alts[0]));
    DocArg oneof;
    oneof.type = "oneof";
    for (auto& alt : alts) oneof.children.push_back(FromSequence(std::move(alt)));
    oneof.name = oneof.children[0].name;
    return oneof;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void RenderOne(const DocArg& a, std::string* out);

void RenderList(const std::vector<DocArg>& args, std::string_view sep, std::string* out) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (i != 0) out->append(sep);
    RenderOne(args[i], out);
  }
}

void RenderOne(const DocArg& a, std::string* out) {
  std::string token = a.token;
  std::string repeat;
  if (a.type == "oneof") {
    RenderList(a.children, "|", &repeat);
  } else if (a.type == "block") {
    RenderList(a.children, " ", &repeat);
  } else if (a.type != "pure-token") {
    repeat = a.name;
  }
  if (!token.empty() && a.type != "pure-token") token += " ";
  if (a.optional) out->append("[");
  out->append(token).append(repeat);
  if (a.multiple) out->append(" [").append(repeat).append(" ...]");
  if (a.optional) out->append("]");
}

}  // namespace

std::vector<DocArg> ParseArgumentHint(std::string_view hint) {
  if (hint.empty()) return {};
  HintParser parser(hint);
  std::vector<std::vector<DocArg>> alts = parser.Alternatives();
  if (parser.done()) {
    if (alts.size() == 1) return std::move(alts[0]);
    return {HintParser::Combine(std::move(alts))};
  }
  DocArg whole;
  whole.name = std::string(hint);
  whole.type = "string";
  return {whole};
}

std::string RenderArguments(const std::vector<DocArg>& args) {
  std::string out;
  RenderList(args, " ", &out);
  return out;
}

}  // namespace locknode::command

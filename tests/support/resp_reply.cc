#include "support/resp_reply.h"

#include <charconv>

namespace locknode::test {
namespace {

// A strict decimal integer (optional '-', digits only, fits int64_t).
bool ParseInteger(std::string_view text, int64_t* value) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

bool IsBlobType(char type) { return type == '$' || type == '=' || type == '!'; }
bool IsAggregateType(char type) {
  return type == '*' || type == '~' || type == '>' || type == '%' || type == '|';
}

// Checks one item's line; returns false if it is malformed. Sets *children for aggregates and
// *payload (length) for blobs, -1 when there is none (a null).
bool CheckLine(char type, std::string_view line, RespValue* item) {
  if (line.find_first_of("\r\n") != std::string_view::npos) return false;
  item->type = type;
  item->text = line;
  switch (type) {
    case '+':
    case '-':
    case ',':
      return true;
    case ':':
      return ParseInteger(line, &item->number);
    case '(': {  // big number: digits of any length, optional sign
      const std::string_view digits = line.substr(line.empty() || line[0] != '-' ? 0 : 1);
      return !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
    }
    case '_':
      item->null = true;
      return line.empty();
    case '#':
      return line == "t" || line == "f";
    default:
      break;
  }
  if (!IsBlobType(type) && !IsAggregateType(type)) return false;
  if (!ParseInteger(line, &item->number) || item->number < -1) return false;
  if (item->number == -1) {
    // Only RESP2's bulk and array have a null form.
    if (type != '$' && type != '*') return false;
    item->null = true;
  }
  return true;
}

}  // namespace

long ReadReply(std::string_view buf, RespValue* top) {
  size_t pos = 0;
  int64_t pending = 1;  // items still to frame; aggregates add their children
  bool first = true;
  while (pending > 0) {
    if (pos >= buf.size()) return 0;
    const size_t eol = buf.find("\r\n", pos);
    if (eol == std::string_view::npos) {
      // A line can only be completed by more bytes unless it already holds a stray LF.
      return buf.find('\n', pos) == std::string_view::npos ? 0 : -1;
    }
    RespValue item;
    if (!CheckLine(buf[pos], buf.substr(pos + 1, eol - pos - 1), &item)) return -1;
    size_t next = eol + 2;
    --pending;
    // A length or count larger than the buffer can only be satisfied by more bytes (this also
    // keeps the arithmetic below from overflowing).
    if (item.number > static_cast<int64_t>(buf.size()) && item.type != ':') return 0;
    if (IsBlobType(item.type) && !item.null) {
      const size_t end = next + static_cast<size_t>(item.number) + 2;
      if (buf.size() < end) return 0;
      if (buf.substr(end - 2, 2) != "\r\n") return -1;
      item.text = buf.substr(next, static_cast<size_t>(item.number));
      next = end;
    } else if (IsAggregateType(item.type) && !item.null) {
      int64_t children = item.number;
      if (item.type == '%') children *= 2;
      // An attribute is a map that precedes the reply it annotates: frame both together.
      if (item.type == '|') children = children * 2 + 1;
      pending += children;
    }
    if (first && top != nullptr) *top = item;
    first = false;
    pos = next;
  }
  return static_cast<long>(pos);
}

}  // namespace locknode::test

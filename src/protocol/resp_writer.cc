#include "locknode/protocol/resp_writer.h"

#include <charconv>
#include <cstdint>

// Byte-for-byte the encodings of Redis 7.0 src/networking.c addReply* helpers (checked against
// redis-server 7.0.15 in RESP2 and, after HELLO 3, RESP3).
namespace locknode::protocol {
namespace {

constexpr std::string_view kCrlf = "\r\n";

bool IsCrOrLf(char c) { return c == '\r' || c == '\n'; }

}  // namespace

void RespWriter::Header(char type, int64_t n) {
  // One type byte, at most 20 characters of int64, CRLF: one append, no temporaries.
  char buf[24];
  buf[0] = type;
  const std::to_chars_result result = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n);
  char* end = result.ptr;
  *end++ = '\r';
  *end++ = '\n';
  out_->Append(std::string_view(buf, static_cast<size_t>(end - buf)));
}

void RespWriter::Simple(std::string_view s) {
  out_->Append('+');
  out_->Append(s);
  out_->Append(kCrlf);
}

// Redis formats script and command errors with addReplyErrorFormat, which trims CR/LF from the
// end and maps the ones left inside to spaces, so an error never breaks the reply framing.
// Observed on 7.0.15: error_reply('ERR x\nb\r\n') -> "-ERR x b", error_reply('\nMY x') ->
// "- MY x" (the text is "-%s" there, so a leading newline is mapped, not trimmed).
void RespWriter::Error(std::string_view full) {
  NoteError(full);
  while (!full.empty() && IsCrOrLf(full.back())) full.remove_suffix(1);
  out_->Append('-');
  size_t run = 0;  // start of the current run of bytes that need no mapping
  for (size_t i = 0; i < full.size(); ++i) {
    if (!IsCrOrLf(full[i])) continue;
    out_->Append(full.substr(run, i - run));
    out_->Append(' ');
    run = i + 1;
  }
  out_->Append(full.substr(run));
  out_->Append(kCrlf);
}

void RespWriter::Integer(int64_t v) { Header(':', v); }

void RespWriter::Bulk(std::string_view s) {
  Header('$', static_cast<int64_t>(s.size()));
  out_->Append(s);
  out_->Append(kCrlf);
}

// addReplyNull / addReplyNullArray: RESP3 has one null type for both.
void RespWriter::Null() { out_->Append(resp3_ ? std::string_view("_\r\n") : "$-1\r\n"); }

void RespWriter::NullArray() { out_->Append(resp3_ ? std::string_view("_\r\n") : "*-1\r\n"); }

void RespWriter::Array(size_t n) { Header('*', static_cast<int64_t>(n)); }

// addReplyMapLen: RESP2 clients get a flat array of key, value, key, value...
void RespWriter::Map(size_t n) {
  if (resp3_) {
    Header('%', static_cast<int64_t>(n));
  } else {
    Header('*', static_cast<int64_t>(n) * 2);
  }
}

void RespWriter::Set(size_t n) { Header(resp3_ ? '~' : '*', static_cast<int64_t>(n)); }

void RespWriter::Push(size_t n) { Header(resp3_ ? '>' : '*', static_cast<int64_t>(n)); }

// addReplyVerbatim(c, s, len, "txt"): the RESP3 length counts the "txt:" prefix.
void RespWriter::Verbatim(std::string_view s) {
  if (!resp3_) {
    Bulk(s);
    return;
  }
  Header('=', static_cast<int64_t>(s.size()) + 4);
  out_->Append("txt:");
  out_->Append(s);
  out_->Append(kCrlf);
}

// addReplyDouble (7.0): the text is snprintf("%.17g"), which std::to_chars with precision 17
// reproduces exactly and without the locale ("inf", "-inf", "nan", "-nan", "1e+300" included).
// RESP3 sends it as ",<text>", RESP2 as a bulk string of the same text.
void RespWriter::Double(double d) {
  char buf[40];
  char* begin = buf + 1;
  const std::to_chars_result result =
      std::to_chars(begin, buf + sizeof(buf), d, std::chars_format::general, 17);
  const std::string_view text(begin, static_cast<size_t>(result.ptr - begin));
  if (!resp3_) {
    Bulk(text);
    return;
  }
  buf[0] = ',';
  out_->Append(std::string_view(buf, text.size() + 1));
  out_->Append(kCrlf);
}

}  // namespace locknode::protocol

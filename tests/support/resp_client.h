#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// A blocking, raw-bytes RESP client for integration and differential tests. It sends exactly the
// bytes it is given (so tests can send malformed protocol) and reads exactly one reply at a time,
// returning that reply's raw bytes (framed by ReadReply, resp_reply.h), so tests compare wire bytes
// and not a decoded form. Every read has a deadline: a test never hangs on a server that does not
// answer.
namespace locknode::test {

// Generous on purpose: the suites run on a noisy 2-core machine next to compilers.
inline constexpr std::chrono::milliseconds kReplyTimeout{5000};

// Builds a multibulk request: *<n>\r\n$<len>\r\n<arg>\r\n...
std::string EncodeCommand(const std::vector<std::string>& args);

// Printable form of arbitrary bytes: \r \n \t \\ and \xNN for non-printables, for failure output.
std::string EscapeBytes(std::string_view bytes);

// The integer value of `field` in an INFO reply, or -1 if absent.
long long InfoField(const std::string& info, const std::string& field);
// The text value of `field` in an INFO reply, or "" if absent.
std::string InfoText(const std::string& info, const std::string& field);

class RespClient {
 public:
  // How a read ended. kReply carries bytes; the others carry none.
  enum class Outcome { kReply, kEof, kTimeout, kError };
  struct Reply {
    Outcome outcome = Outcome::kError;
    std::string bytes;
    // "reply", "<eof>", "<timeout>" or "<error: ...>": one comparable, printable token.
    std::string Describe() const;
  };

  // Connects to 127.0.0.1:port; on failure connected() is false and error() says why.
  explicit RespClient(int port);
  // Connects to ipv4:port (a test that needs a non-loopback peer connects to the host's own
  // non-loopback address; see host_address.h).
  RespClient(const std::string& ipv4, int port);
  ~RespClient();
  RespClient(const RespClient&) = delete;
  RespClient& operator=(const RespClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }

  // Writes all bytes (MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE). False on failure.
  bool Send(std::string_view bytes);
  // Writes one byte per send() call, with TCP_NODELAY so each byte is its own segment.
  bool SendBytewise(std::string_view bytes);
  // For clients that never read: writes without blocking until every byte is out, the peer
  // closes or resets (then *closed is true), or the socket accepted nothing for `stall` (the
  // server stopped reading: backpressure). Returns how many bytes were written.
  size_t SendUntilStalled(std::string_view bytes, std::chrono::milliseconds stall, bool* closed);

  // Reads exactly one reply (bytes beyond it stay buffered for the next call).
  Reply Read(std::chrono::milliseconds timeout = kReplyTimeout);
  // Convenience: Send(EncodeCommand(args)) then Read(); the reply bytes, or Describe() on failure.
  std::string Call(const std::vector<std::string>& args);
  // Raw send then read; reply bytes, or Describe() ("<eof>", ...) when there is no reply.
  std::string RawCall(std::string_view bytes);

  // True if the peer closes the connection (EOF or reset) within `timeout` with no more data.
  // Any reply bytes received first make it false.
  bool WaitForClose(std::chrono::milliseconds timeout = kReplyTimeout);

  // Closes the socket now (simulates a client that disappears).
  void Close();

 private:
  // Reads what is available into buf_, waiting at most until `deadline`.
  Outcome Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buf_;
  std::string error_;
};

}  // namespace locknode::test

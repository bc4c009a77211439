#include "support/resp_client.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/resp_reply.h"

namespace locknode::test {

std::string EncodeCommand(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& arg : args) {
    out += "$" + std::to_string(arg.size()) + "\r\n";
    out += arg;
    out += "\r\n";
  }
  return out;
}

std::string EscapeBytes(std::string_view bytes) {
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : bytes) {
    switch (c) {
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string RespClient::Reply::Describe() const {
  switch (outcome) {
    case Outcome::kReply:
      return bytes;
    case Outcome::kEof:
      return "<eof>";
    case Outcome::kTimeout:
      return "<timeout>";
    case Outcome::kError:
      return "<error: " + bytes + ">";
  }
  return "<?>";
}

long long InfoField(const std::string& info, const std::string& field) {
  const std::string needle = "\r\n" + field + ":";
  size_t at = info.find(needle);
  if (at == std::string::npos) return -1;
  return std::atoll(info.c_str() + at + needle.size());
}

std::string InfoText(const std::string& info, const std::string& field) {
  const std::string needle = "\r\n" + field + ":";
  size_t at = info.find(needle);
  if (at == std::string::npos) return "";
  at += needle.size();
  return info.substr(at, info.find("\r\n", at) - at);
}

RespClient::RespClient(int port) : RespClient("127.0.0.1", port) {}

RespClient::RespClient(const std::string& ipv4, int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, ipv4.c_str(), &addr.sin_addr) != 1) {
    error_ = "not an IPv4 address: " + ipv4;
    return;
  }
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    error_ = std::string("socket: ") + std::strerror(errno);
    return;
  }
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    error_ = std::string("connect: ") + std::strerror(errno);
    Close();
  }
}

RespClient::~RespClient() { Close(); }

void RespClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool RespClient::Send(std::string_view bytes) {
  if (fd_ < 0) return false;
  while (!bytes.empty()) {
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = std::string("send: ") + std::strerror(errno);
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool RespClient::SendBytewise(std::string_view bytes) {
  if (fd_ < 0) return false;
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (!Send(bytes.substr(i, 1))) return false;
  }
  return true;
}

size_t RespClient::SendUntilStalled(std::string_view bytes, std::chrono::milliseconds stall,
                                    bool* closed) {
  *closed = false;
  size_t sent = 0;
  while (fd_ >= 0 && sent < bytes.size()) {
    pollfd pfd{fd_, POLLOUT, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(stall.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) break;  // no room for `stall`: the server is not reading
    const ssize_t n =
        send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0 || (pfd.revents & (POLLERR | POLLHUP)) != 0) {
      *closed = true;
      break;
    }
    sent += static_cast<size_t>(n);
  }
  return sent;
}

RespClient::Outcome RespClient::Fill(std::chrono::steady_clock::time_point deadline) {
  if (fd_ < 0) {
    error_ = "not connected";
    return Outcome::kError;
  }
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Outcome::kTimeout;
    pollfd pfd{fd_, POLLIN, 0};
    int ready = poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      error_ = std::string("poll: ") + std::strerror(errno);
      return Outcome::kError;
    }
    if (ready == 0) return Outcome::kTimeout;
    char chunk[16384];
    ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      // A reset after the server closed is a close, not a test-harness failure.
      if (errno == ECONNRESET) return Outcome::kEof;
      error_ = std::string("recv: ") + std::strerror(errno);
      return Outcome::kError;
    }
    if (n == 0) return Outcome::kEof;
    buf_.append(chunk, static_cast<size_t>(n));
    return Outcome::kReply;
  }
}

RespClient::Reply RespClient::Read(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const long len = ReadReply(buf_);
    if (len < 0) {
      Reply bad{Outcome::kError, "unparseable reply: " + EscapeBytes(buf_)};
      buf_.clear();
      return bad;
    }
    if (len > 0) {
      Reply reply{Outcome::kReply, buf_.substr(0, static_cast<size_t>(len))};
      buf_.erase(0, static_cast<size_t>(len));
      return reply;
    }
    Outcome got = Fill(deadline);
    if (got == Outcome::kReply) continue;
    Reply failed{got, got == Outcome::kError ? error_ : std::string()};
    // A partial reply before EOF is worth seeing in the failure message.
    if (got == Outcome::kEof && !buf_.empty()) {
      failed = Reply{Outcome::kError, "eof after partial reply: " + EscapeBytes(buf_)};
    }
    return failed;
  }
}

std::string RespClient::Call(const std::vector<std::string>& args) {
  if (!Send(EncodeCommand(args))) return "<error: " + error_ + ">";
  return Read().Describe();
}

std::string RespClient::RawCall(std::string_view bytes) {
  if (!Send(bytes)) return "<error: " + error_ + ">";
  return Read().Describe();
}

bool RespClient::WaitForClose(std::chrono::milliseconds timeout) {
  if (!buf_.empty()) return false;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Outcome got = Fill(deadline);
  return got == Outcome::kEof;
}

}  // namespace locknode::test

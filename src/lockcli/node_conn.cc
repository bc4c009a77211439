#include "lockcli/node_conn.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <hiredis/hiredis.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace locknode::lockcli {
namespace {

std::string TlsErrorText() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "connection closed";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

Reply FromHiredis(const redisReply& r) {
  Reply out;
  switch (r.type) {
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::kStatus;
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::kError;
      break;
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::kString;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::kInteger;
      break;
    case REDIS_REPLY_NIL:
      out.type = Reply::Type::kNil;
      break;
    default:
      out.type = Reply::Type::kOther;
      break;
  }
  out.integer = r.integer;
  if (r.str != nullptr) out.text.assign(r.str, r.len);
  return out;
}

bool IsIpLiteral(const std::string& host) {
  in6_addr a6{};
  in_addr a4{};
  return inet_pton(AF_INET, host.c_str(), &a4) == 1 || inet_pton(AF_INET6, host.c_str(), &a6) == 1;
}

}  // namespace

NodeConn::NodeConn(NodeAddress address, ssl_ctx_st* tls, std::string password)
    : address_(std::move(address)), tls_(tls), password_(std::move(password)) {}

NodeConn::~NodeConn() { Close(); }

void NodeConn::Close() {
  if (ssl_ != nullptr) SSL_free(ssl_);  // no close_notify: the socket may be stuck
  ssl_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (reader_ != nullptr) redisReaderFree(reader_);
  reader_ = nullptr;
}

bool NodeConn::Fail(std::string why) {
  error_ = std::move(why);
  Close();
  return false;
}

bool NodeConn::WaitFd(short events, Deadline deadline) {
  while (true) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return Fail("no answer within the timeout");
    pollfd p{fd_, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;  // ready, or an error the next call reports
    if (n < 0 && errno != EINTR) return Fail(std::string("poll: ") + std::strerror(errno));
  }
}

bool NodeConn::ConnectTcp(Deadline deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(address_.port);
  if (int rc = ::getaddrinfo(address_.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    return Fail(std::string("cannot resolve: ") + ::gai_strerror(rc));
  }
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    fd_ = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) continue;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int rc = ::connect(fd_, ai->ai_addr, ai->ai_addrlen);
    if (rc < 0 && errno == EINPROGRESS && WaitFd(POLLOUT, deadline)) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
      rc = err == 0 ? 0 : -1;
      errno = err;
    }
    if (rc == 0) break;
    if (fd_ >= 0) Fail(std::string("connect: ") + std::strerror(errno));
  }
  ::freeaddrinfo(res);
  if (fd_ < 0 && error_.empty()) error_ = "connect: no usable address";
  return fd_ >= 0;
}

bool NodeConn::Handshake(Deadline deadline) {
  ssl_ = SSL_new(tls_);
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) return Fail("TLS: " + TlsErrorText());
  // Verify the certificate names this node (SAN DNS or IP), as any TLS client should.
  if (IsIpLiteral(address_.host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), address_.host.c_str());
  } else {
    // SNI; SSL_set_tlsext_host_name is a macro with a C cast, spelled out here.
    SSL_ctrl(ssl_, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(address_.host.c_str()));
    SSL_set1_host(ssl_, address_.host.c_str());
  }
  while (true) {
    const int rc = SSL_connect(ssl_);
    if (rc == 1) return true;
    const int e = SSL_get_error(ssl_, rc);
    if (e == SSL_ERROR_WANT_READ && WaitFd(POLLIN, deadline)) continue;
    if (e == SSL_ERROR_WANT_WRITE && WaitFd(POLLOUT, deadline)) continue;
    if (fd_ < 0) return false;  // WaitFd timed out and closed
    return Fail("TLS handshake: " + TlsErrorText());
  }
}

bool NodeConn::Connect(Deadline deadline) {
  if (fd_ >= 0) return true;
  error_.clear();
  if (!ConnectTcp(deadline)) return false;
  if (tls_ != nullptr && !Handshake(deadline)) return false;
  reader_ = redisReaderCreate();
  if (password_.empty()) return true;
  const auto auth = Call({"AUTH", password_}, deadline);
  if (!auth) return false;
  if (auth->type != Reply::Type::kStatus) return Fail("AUTH: " + auth->text);
  return true;
}

bool NodeConn::WriteAll(const std::string& bytes, Deadline deadline) {
  size_t off = 0;
  while (off < bytes.size()) {
    const char* p = bytes.data() + off;
    const size_t n = bytes.size() - off;
    if (ssl_ != nullptr) {
      const int rc = SSL_write(ssl_, p, static_cast<int>(n));
      if (rc > 0) {
        off += static_cast<size_t>(rc);
        continue;
      }
      const int e = SSL_get_error(ssl_, rc);
      if (e == SSL_ERROR_WANT_READ && WaitFd(POLLIN, deadline)) continue;
      if (e == SSL_ERROR_WANT_WRITE && WaitFd(POLLOUT, deadline)) continue;
      return fd_ < 0 ? false : Fail("TLS write: " + TlsErrorText());
    }
    const ssize_t rc = ::send(fd_, p, n, MSG_NOSIGNAL);
    if (rc > 0) {
      off += static_cast<size_t>(rc);
    } else if (rc < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!WaitFd(POLLOUT, deadline)) return false;
    } else {
      return Fail(std::string("send: ") + std::strerror(errno));
    }
  }
  return true;
}

std::optional<Reply> NodeConn::ReadReply(Deadline deadline) {
  char buf[4096];
  while (true) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
      Fail(std::string("protocol error: ") + reader_->errstr);
      return std::nullopt;
    }
    if (raw != nullptr) {
      Reply reply = FromHiredis(*static_cast<redisReply*>(raw));
      freeReplyObject(raw);
      return reply;
    }
    ssize_t got = 0;
    if (ssl_ != nullptr) {
      const int rc = SSL_read(ssl_, buf, sizeof buf);
      got = rc;
      if (rc <= 0) {
        const int e = SSL_get_error(ssl_, rc);
        if (e == SSL_ERROR_WANT_READ && WaitFd(POLLIN, deadline)) continue;
        if (e == SSL_ERROR_WANT_WRITE && WaitFd(POLLOUT, deadline)) continue;
        if (fd_ >= 0) Fail("TLS read: " + TlsErrorText());
        return std::nullopt;
      }
    } else {
      got = ::recv(fd_, buf, sizeof buf, 0);
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (!WaitFd(POLLIN, deadline)) return std::nullopt;
        continue;
      }
      if (got <= 0) {
        Fail(got == 0 ? "connection closed" : std::string("recv: ") + std::strerror(errno));
        return std::nullopt;
      }
    }
    redisReaderFeed(reader_, buf, static_cast<size_t>(got));
  }
}

std::optional<Reply> NodeConn::Call(const std::vector<std::string>& argv, Deadline deadline) {
  if (!Connect(deadline)) return std::nullopt;
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  for (const std::string& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  char* cmd = nullptr;
  const int len =
      redisFormatCommandArgv(&cmd, static_cast<int>(argv.size()), ptrs.data(), lens.data());
  if (len < 0) {
    Fail("out of memory formatting a command");
    return std::nullopt;
  }
  const std::string bytes(cmd, static_cast<size_t>(len));
  redisFreeCommand(cmd);
  if (!WriteAll(bytes, deadline)) return std::nullopt;
  return ReadReply(deadline);
}

}  // namespace locknode::lockcli

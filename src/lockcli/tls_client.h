#pragma once

#include <memory>

#include "lockcli/lock_options.h"

struct ssl_ctx_st;

namespace locknode::lockcli {

struct SslCtxFree {
  void operator()(ssl_ctx_st* ctx) const;
};
using SslCtxPtr = std::unique_ptr<ssl_ctx_st, SslCtxFree>;

// A client context from the --tls options (TLS 1.2 minimum, as the server; peer verification
// on, against --tls-ca-cert-file or the system's CAs; a client certificate for mutual TLS).
// Null when --tls is off. Throws std::invalid_argument on unreadable files.
SslCtxPtr MakeTlsContext(const LockOptions& options);

}  // namespace locknode::lockcli

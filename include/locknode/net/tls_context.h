#pragma once

#include <boost/asio/ssl/context.hpp>

#include "locknode/base/config.h"

namespace locknode::net {

// The server's TLS context from the tls-* options (Redis's names and meanings):
//   - certificate chain and private key (optionally encrypted: tls-key-file-pass), checked to
//     match each other;
//   - client verification per tls-auth-clients: yes = a certificate signed by tls-ca-cert-file
//     / tls-ca-cert-dir is required (mutual TLS, Redis's default), optional = verified if sent,
//     no = not requested. There is no implicit system CA store, as in Redis;
//   - protocol versions from tls-protocols, never below TLS 1.2 (SSL_CTX_set_min_proto_version);
//     compression and renegotiation off; tls-ciphers / tls-ciphersuites if set.
// Startup only: throws std::runtime_error naming the option, the file and OpenSSL's reason.
boost::asio::ssl::context MakeTlsContext(const Config& config);

}  // namespace locknode::net

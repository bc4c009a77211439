#include "lockcli/tls_client.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdexcept>
#include <string>

namespace locknode::lockcli {
namespace {

[[noreturn]] void Throw(const std::string& what) {
  char buf[256] = "";
  ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
  throw std::invalid_argument(what + ": " + buf);
}

}  // namespace

void SslCtxFree::operator()(ssl_ctx_st* ctx) const { SSL_CTX_free(ctx); }

SslCtxPtr MakeTlsContext(const LockOptions& o) {
  if (!o.tls) return nullptr;
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) Throw("TLS context");
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  const bool ca_ok =
      o.tls_ca_cert_file.empty()
          ? SSL_CTX_set_default_verify_paths(ctx.get()) == 1
          : SSL_CTX_load_verify_locations(ctx.get(), o.tls_ca_cert_file.c_str(), nullptr) == 1;
  if (!ca_ok) Throw("--tls-ca-cert-file " + o.tls_ca_cert_file);
  if (!o.tls_cert_file.empty() &&
      SSL_CTX_use_certificate_chain_file(ctx.get(), o.tls_cert_file.c_str()) != 1) {
    Throw("--tls-cert-file " + o.tls_cert_file);
  }
  const std::string& key = o.tls_key_file.empty() ? o.tls_cert_file : o.tls_key_file;
  if (!key.empty() && SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM) != 1) {
    Throw("--tls-key-file " + key);
  }
  return ctx;
}

}  // namespace locknode::lockcli

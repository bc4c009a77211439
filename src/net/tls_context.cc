#include "locknode/net/tls_context.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <openssl/ssl.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace locknode::net {

namespace ssl = boost::asio::ssl;
using boost::system::error_code;

namespace {

[[noreturn]] void Fail(const std::string& option, const std::string& what,
                       const std::string& reason) {
  throw std::runtime_error(option + " " + what + ": " + reason);
}

// OpenSSL says "system lib" for a missing file; the errno text says which problem it is.
void RequireReadable(const std::string& option, const std::string& path) {
  if (::access(path.c_str(), R_OK) != 0) Fail(option, path, std::strerror(errno));
}

void LoadIdentity(ssl::context& context, const Config& c) {
  error_code ec;
  RequireReadable("tls-cert-file", c.tls_cert_file);
  context.use_certificate_chain_file(c.tls_cert_file, ec);
  if (ec) Fail("tls-cert-file", c.tls_cert_file, ec.message());
  if (!c.tls_key_file_pass.empty()) {
    context.set_password_callback(
        [pass = c.tls_key_file_pass](size_t, ssl::context::password_purpose) { return pass; });
  }
  RequireReadable("tls-key-file", c.tls_key_file);
  context.use_private_key_file(c.tls_key_file, ssl::context::pem, ec);
  if (ec) {
    const char* hint = c.tls_key_file_pass.empty() ? "" : " (or a wrong tls-key-file-pass)";
    Fail("tls-key-file", c.tls_key_file, ec.message() + hint);
  }
  if (SSL_CTX_check_private_key(context.native_handle()) != 1) {
    Fail("tls-key-file", c.tls_key_file, "does not match tls-cert-file " + c.tls_cert_file);
  }
}

void LoadClientVerification(ssl::context& context, const Config& c) {
  error_code ec;
  if (!c.tls_ca_cert_file.empty()) {
    RequireReadable("tls-ca-cert-file", c.tls_ca_cert_file);
    context.load_verify_file(c.tls_ca_cert_file, ec);
    if (ec) Fail("tls-ca-cert-file", c.tls_ca_cert_file, ec.message());
    // Names the acceptable CAs in the CertificateRequest, so a client holding several
    // certificates can pick the right one.
    SSL_CTX_set_client_CA_list(context.native_handle(),
                               SSL_load_client_CA_file(c.tls_ca_cert_file.c_str()));
  }
  if (!c.tls_ca_cert_dir.empty()) {
    // OpenSSL only looks into the directory during a handshake: check it exists now.
    if (!std::filesystem::is_directory(c.tls_ca_cert_dir)) {
      Fail("tls-ca-cert-dir", c.tls_ca_cert_dir, "not a directory");
    }
    context.add_verify_path(c.tls_ca_cert_dir, ec);
    if (ec) Fail("tls-ca-cert-dir", c.tls_ca_cert_dir, ec.message());
  }
  ssl::verify_mode mode = ssl::verify_none;
  if (c.tls_auth_clients == "yes") mode = ssl::verify_peer | ssl::verify_fail_if_no_peer_cert;
  if (c.tls_auth_clients == "optional") mode = ssl::verify_peer;
  context.set_verify_mode(mode, ec);
  if (ec) Fail("tls-auth-clients", c.tls_auth_clients, ec.message());
  // Session resumption with client verification needs an id context, or OpenSSL fails the
  // resumed handshake (Redis sets one too).
  static constexpr unsigned char kSessionContext[] = "locknode";
  SSL_CTX_set_session_id_context(context.native_handle(), kSessionContext,
                                 sizeof(kSessionContext) - 1);
}

// tls-protocols ("TLSv1.2 TLSv1.3", validated by app) as a min..max version range.
void SetProtocols(ssl::context& context, const Config& c) {
  std::istringstream words(c.tls_protocols);
  std::string word;
  int min_version = TLS1_3_VERSION;
  int max_version = TLS1_2_VERSION;
  while (words >> word) {
    const int version = word == "TLSv1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
    min_version = std::min(min_version, version);
    max_version = std::max(max_version, version);
  }
  SSL_CTX* ctx = context.native_handle();
  if (SSL_CTX_set_min_proto_version(ctx, min_version) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, max_version) != 1) {
    Fail("tls-protocols", c.tls_protocols, "not supported by this OpenSSL");
  }
}

void SetCiphers(ssl::context& context, const Config& c) {
  SSL_CTX* ctx = context.native_handle();
  if (!c.tls_ciphers.empty() && SSL_CTX_set_cipher_list(ctx, c.tls_ciphers.c_str()) != 1) {
    Fail("tls-ciphers", c.tls_ciphers, "no usable cipher");
  }
  if (!c.tls_ciphersuites.empty() &&
      SSL_CTX_set_ciphersuites(ctx, c.tls_ciphersuites.c_str()) != 1) {
    Fail("tls-ciphersuites", c.tls_ciphersuites, "no usable cipher suite");
  }
}

}  // namespace

ssl::context MakeTlsContext(const Config& config) {
  ssl::context context(ssl::context::tls_server);
  // Compression invites CRIME-style attacks; client-initiated renegotiation is a CPU DoS on
  // the one serving thread and buys nothing for short-lived lock requests.
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                      ssl::context::no_compression | ssl::context::single_dh_use);
  SSL_CTX_set_options(context.native_handle(),
                      SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SetProtocols(context, config);
  SetCiphers(context, config);
  LoadIdentity(context, config);
  LoadClientVerification(context, config);
  return context;
}

}  // namespace locknode::net

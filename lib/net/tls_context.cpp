#include "net/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <boost/asio/ip/address.hpp>
#include <cerrno>
#include <cstring>
#include <memory>

#include "common/error.hpp"

namespace qi::net {

asio::ssl::context make_tls_context(const HttpClientOptions& options) {
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                  asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression);
  boost::system::error_code ec;
  ctx.set_default_verify_paths(ec);
  if (ec) throw FatalError("cannot load the system TLS trust store: " + ec.message());
  if (!options.ca_file.empty()) {
    if (auto problem = ca_file_problem(options.ca_file)) throw FatalError(*problem);
    ctx.load_verify_file(options.ca_file, ec);
    if (ec) {
      throw FatalError("cannot load ca_file " + options.ca_file + ": " + ec.message() +
                       " (expected PEM certificates)");
    }
  }
  ctx.set_verify_mode(asio::ssl::verify_peer);
  return ctx;
}

std::optional<std::string> ca_file_problem(const std::string& ca_file) {
  const std::string prefix = "cannot load ca_file " + ca_file + ": ";
  struct stat st {};
  if (::stat(ca_file.c_str(), &st) != 0) return prefix + std::strerror(errno);
  if (!S_ISREG(st.st_mode)) return prefix + "not a regular file";
  const std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(ca_file.c_str(), "r"),
                                                      &BIO_free);
  if (!bio) {
    const int err = errno;
    ERR_clear_error();
    return prefix + std::strerror(err);
  }
  STACK_OF(X509_INFO)* infos = PEM_X509_INFO_read_bio(bio.get(), nullptr, nullptr, nullptr);
  // Left in OpenSSL's thread-local queue, a parse error would be blamed on a later TLS call.
  const unsigned long parse_error = infos == nullptr ? ERR_peek_last_error() : 0;
  ERR_clear_error();
  int certificates = 0;
  for (int i = 0; infos != nullptr && i < sk_X509_INFO_num(infos); ++i) {
    if (sk_X509_INFO_value(infos, i)->x509 != nullptr) ++certificates;
  }
  sk_X509_INFO_pop_free(infos, X509_INFO_free);
  if (parse_error != 0) {
    char text[256];
    ERR_error_string_n(parse_error, text, sizeof text);
    return prefix + "malformed PEM (" + text + ")";
  }
  if (certificates == 0) {
    return prefix +
           "no PEM certificate in it (expected \"-----BEGIN CERTIFICATE-----\"; convert a DER "
           "file with: openssl x509 -inform der -in " +
           ca_file + " -out ca.pem)";
  }
  return std::nullopt;
}

void prepare_tls_client(SSL* ssl, const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  const bool is_ip = !ec;
  if (is_ip) {
    // RFC 6066 forbids IP literals in SNI; the certificate must carry the address as an IP SAN.
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) != 1) {
      throw FatalError("cannot set the expected TLS peer address " + host);
    }
    return;
  }
  // SSL_set_tlsext_host_name is a macro around this call with a C-style cast (-Wold-style-cast);
  // OpenSSL copies the name, it never writes through the pointer.
  if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(host.c_str())) != 1) {
    throw FatalError("cannot set TLS SNI host name " + host);
  }
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set1_host(ssl, host.c_str()) != 1) {
    throw FatalError("cannot set the expected TLS peer name " + host);
  }
}

std::optional<std::string> tls_verify_failure(const SSL* ssl) {
  const long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) return std::nullopt;
  return std::string(X509_verify_cert_error_string(result));
}

}  // namespace qi::net

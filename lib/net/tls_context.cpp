#include "net/tls_context.hpp"

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

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
    ctx.load_verify_file(options.ca_file, ec);
    if (ec) {
      throw FatalError("cannot load ca_file " + options.ca_file + ": " + ec.message() +
                       " (expected PEM certificates)");
    }
  }
  ctx.set_verify_mode(asio::ssl::verify_peer);
  return ctx;
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
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
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

// TLS setup for the Qualys client. Verification is always on: the system trust store plus the
// optional ca_file (corporate TLS-inspecting proxies re-sign Qualys's certificate); there is
// deliberately no option to turn it off (docs/design.md, "Behaviour").
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <optional>
#include <string>

#include "net/http_client.hpp"

namespace qi::net {

// A TLS 1.2+ client context: default verify paths, then options.ca_file when set, verify_peer.
// Throws qi::FatalError when ca_file cannot be loaded (the reason of ca_file_problem).
asio::ssl::context make_tls_context(const HttpClientOptions& options);

// Why `ca_file` cannot serve as extra trust anchors: missing, unreadable, not a regular file, or
// without a single PEM certificate (DER, a key, an empty file). nullopt when it holds at least
// one. `check` reports it before a run would fail on it.
std::optional<std::string> ca_file_problem(const std::string& ca_file);

// Per connection: SNI (for names, not IP literals) and the name or IP the peer certificate must
// match. OpenSSL's own check (SSL_set1_host) is used rather than asio's host_name_verification
// callback because it records X509_V_ERR_HOSTNAME_MISMATCH, so the error says "hostname mismatch"
// instead of "unspecified certificate verification error".
void prepare_tls_client(SSL* ssl, const std::string& host);

// After a failed handshake: the certificate verification error, if that is what failed.
std::optional<std::string> tls_verify_failure(const SSL* ssl);

}  // namespace qi::net

// TLS verification is always on: unknown CAs, wrong names and expired certificates are fatal;
// ca_file adds trust anchors; SNI carries the host name.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "net/https_client.hpp"
#include "net_test_helpers.hpp"
#include "tls_test_server.hpp"

namespace qi::net::testing {
namespace {

using TlsVerificationTest = NetTest;

asio::awaitable<void> answer_once(ServerConnection& c) {
  co_await read_request(c);
  co_await write_text(c, ok_response("verified"));
  co_await wait_for_client_close(c);
}

TEST_F(TlsVerificationTest, TrustsTheCaFromCaFileAndSendsTheHostNameAsSni) {
  TlsTestServer server(io_, leaf_, answer_once);
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(server.origin("localhost"));
  run(io_, client.send(request, sink));
  EXPECT_EQ(sink.body(), "verified");
  EXPECT_EQ(server.last_sni(), "localhost");
}

TEST_F(TlsVerificationTest, RejectsACertificateFromAnUnknownCa) {
  auto stranger = qi::testing::TestPki::create("somebody else's CA");
  TlsTestServer server(io_, stranger.issue({"127.0.0.1"}), answer_once);
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(server.origin());
  const auto message = message_of<FatalError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_EQ(message.rfind("TLS certificate verification failed for 127.0.0.1: ", 0), 0u) << message;
  EXPECT_EQ(server.accepts(), 1);
}

TEST_F(TlsVerificationTest, IsNotTrustedWithoutCaFile) {
  TlsTestServer server(io_, leaf_, answer_once);
  auto o = options();
  o.ca_file.clear();  // only the system store, which does not know the test CA
  HttpsClient client(io_.get_executor(), o);
  RecordingSink sink;
  auto request = get(server.origin());
  const auto message = message_of<FatalError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_NE(message.find("TLS certificate verification failed"), std::string::npos) << message;
}

TEST_F(TlsVerificationTest, RejectsACertificateForAnotherHostName) {
  TlsTestServer server(io_, pki_.issue({"qualysapi.example"}), answer_once);
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(server.origin("localhost"));
  const auto message = message_of<FatalError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_EQ(message, "TLS certificate verification failed for localhost: hostname mismatch");
}

TEST_F(TlsVerificationTest, RejectsACertificateForAnotherIpAddress) {
  TlsTestServer server(io_, pki_.issue({"127.0.0.2"}), answer_once);
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(server.origin());
  const auto message = message_of<FatalError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_EQ(message, "TLS certificate verification failed for 127.0.0.1: IP address mismatch");
}

TEST_F(TlsVerificationTest, RejectsAnExpiredCertificate) {
  TlsTestServer server(
      io_, pki_.issue({"127.0.0.1"}, -std::chrono::hours(2), -std::chrono::hours(1)), answer_once);
  HttpsClient client(io_.get_executor(), options());
  RecordingSink sink;
  auto request = get(server.origin());
  const auto message = message_of<FatalError>([&] { run(io_, client.send(request, sink)); });
  EXPECT_EQ(message, "TLS certificate verification failed for 127.0.0.1: certificate has expired");
}

TEST_F(TlsVerificationTest, RefusesToStartWithAnUnreadableCaFile) {
  auto o = options();
  o.ca_file = (dir_.path() / "missing.pem").string();
  const auto message = message_of<FatalError>([&] { HttpsClient client(io_.get_executor(), o); });
  EXPECT_NE(message.find("cannot load ca_file " + o.ca_file), std::string::npos) << message;
}

}  // namespace
}  // namespace qi::net::testing

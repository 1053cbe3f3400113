#include "pki/test_pki.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "support/read_file.hpp"
#include "support/temp_dir.hpp"

namespace qi::testing {
namespace {

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr parse(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// Returns X509_V_OK when leaf chains to ca, else the OpenSSL verification error.
int verify(const std::string& ca_pem, const std::string& leaf_pem) {
  X509Ptr ca = parse(ca_pem);
  X509Ptr leaf = parse(leaf_pem);
  if (!ca || !leaf) return -1;
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), &X509_STORE_free);
  X509_STORE_add_cert(store.get(), ca.get());
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                      &X509_STORE_CTX_free);
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr);
  int ok = X509_verify_cert(ctx.get());
  return ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx.get());
}

TEST(TestPki, IssuesALeafThatVerifiesAgainstItsCa) {
  TestPki pki = TestPki::create();
  KeyPair leaf = pki.issue({"localhost", "127.0.0.1"});
  EXPECT_EQ(verify(pki.ca().cert_pem, leaf.cert_pem), X509_V_OK);
}

TEST(TestPki, IssuesAnExpiredLeafThatFailsVerification) {
  TestPki pki = TestPki::create();
  KeyPair leaf = pki.issue({"localhost"}, -std::chrono::hours(2), -std::chrono::hours(1));
  EXPECT_EQ(verify(pki.ca().cert_pem, leaf.cert_pem), X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST(TestPki, LeafDoesNotVerifyAgainstAnotherCa) {
  TestPki pki = TestPki::create();
  TestPki other = TestPki::create("another CA");
  KeyPair leaf = pki.issue({"localhost"});
  EXPECT_NE(verify(other.ca().cert_pem, leaf.cert_pem), X509_V_OK);
}

TEST(TestPki, PutsDnsAndIpNamesInTheSubjectAltName) {
  TestPki pki = TestPki::create();
  X509Ptr leaf = parse(pki.issue({"qualys.test", "127.0.0.1"}).cert_pem);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(X509_check_host(leaf.get(), "qualys.test", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(leaf.get(), "127.0.0.1", 0), 1);
  EXPECT_NE(X509_check_host(leaf.get(), "other.test", 0, 0, nullptr), 1);
}

TEST(TestPki, MarksTheCaAsACertificateAuthority) {
  TestPki pki = TestPki::create();
  X509Ptr ca = parse(pki.ca().cert_pem);
  ASSERT_TRUE(ca);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  X509Ptr leaf = parse(pki.issue({"localhost"}).cert_pem);
  EXPECT_EQ(X509_check_ca(leaf.get()), 0);
}

TEST(TestPki, GivesEachCertificateADifferentSerial) {
  TestPki pki = TestPki::create();
  X509Ptr a = parse(pki.issue({"localhost"}).cert_pem);
  X509Ptr b = parse(pki.issue({"localhost"}).cert_pem);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.get()), X509_get0_serialNumber(b.get())), 0);
}

TEST(TestPki, WritesTheCaCertificateAsPem) {
  TempDir dir;
  TestPki pki = TestPki::create();
  pki.write_ca_pem(dir.path() / "ca.pem");
  EXPECT_EQ(read_file(dir.path() / "ca.pem"), pki.ca().cert_pem);
}

}  // namespace
}  // namespace qi::testing

// In-memory test CA built with the OpenSSL 3 EVP/X509 APIs. Every certificate gets a random
// serial, so two runs (or two leaves of one run) never collide in a client's session cache.
#include "pki/test_pki.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <stdexcept>

namespace qi::testing {

namespace {

template <auto Fn>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Fn(p);
  }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

[[noreturn]] void fail(const std::string& what) {
  std::string reason = what;
  if (unsigned long code = ERR_get_error(); code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    reason += ": ";
    reason += buf;
  }
  ERR_clear_error();
  throw std::runtime_error("TestPki: " + reason);
}

void check(int ok, const char* what) {
  if (ok <= 0) fail(what);
}

PkeyPtr make_ec_key() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) fail("EVP_EC_gen(P-256)");
  return key;
}

std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string cert_to_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) fail("BIO_new");
  check(PEM_write_bio_X509(bio.get(), cert), "PEM_write_bio_X509");
  return bio_to_string(bio.get());
}

std::string key_to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) fail("BIO_new");
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
        "PEM_write_bio_PrivateKey");
  return bio_to_string(bio.get());
}

X509Ptr cert_from_pem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) fail("BIO_new_mem_buf");
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) fail("PEM_read_bio_X509");
  return cert;
}

PkeyPtr key_from_pem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) fail("BIO_new_mem_buf");
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) fail("PEM_read_bio_PrivateKey");
  return key;
}

void set_random_serial(X509* cert) {
  BnPtr bn(BN_new());
  if (!bn) fail("BN_new");
  // 159 bits keeps the DER INTEGER positive and within RFC 5280's 20 octets.
  check(BN_rand(bn.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "BN_rand");
  ASN1_INTEGER* serial = X509_get_serialNumber(cert);
  if (BN_to_ASN1_INTEGER(bn.get(), serial) == nullptr) fail("BN_to_ASN1_INTEGER");
}

void set_common_name(X509_NAME* name, const std::string& cn) {
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0),
        "X509_NAME_add_entry_by_txt");
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext) fail("X509V3_EXT_conf_nid(" + std::string(OBJ_nid2sn(nid)) + ")");
  check(X509_add_ext(cert, ext.get(), -1), "X509_add_ext");
}

bool is_ip_address(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

X509Ptr new_cert(EVP_PKEY* key, std::chrono::seconds not_before, std::chrono::seconds not_after) {
  X509Ptr cert(X509_new());
  if (!cert) fail("X509_new");
  check(X509_set_version(cert.get(), X509_VERSION_3), "X509_set_version");
  set_random_serial(cert.get());
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(not_before.count())) ==
      nullptr)
    fail("X509_gmtime_adj(notBefore)");
  if (X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(not_after.count())) ==
      nullptr)
    fail("X509_gmtime_adj(notAfter)");
  check(X509_set_pubkey(cert.get(), key), "X509_set_pubkey");
  return cert;
}

}  // namespace

TestPki TestPki::create(const std::string& ca_name) {
  PkeyPtr key = make_ec_key();
  X509Ptr cert = new_cert(key.get(), -std::chrono::hours(1), std::chrono::hours(24));
  X509_NAME* name = X509_get_subject_name(cert.get());
  set_common_name(name, ca_name);
  check(X509_set_issuer_name(cert.get(), name), "X509_set_issuer_name");
  add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  add_extension(cert.get(), cert.get(), NID_authority_key_identifier, "keyid:always");
  check(X509_sign(cert.get(), key.get(), EVP_sha256()), "X509_sign(CA)");

  TestPki pki;
  pki.ca_ = KeyPair{cert_to_pem(cert.get()), key_to_pem(key.get())};
  return pki;
}

KeyPair TestPki::issue(const std::vector<std::string>& names, std::chrono::seconds not_before,
                       std::chrono::seconds not_after) const {
  if (names.empty()) throw std::invalid_argument("TestPki::issue needs at least one name");
  X509Ptr ca_cert = cert_from_pem(ca_.cert_pem);
  PkeyPtr ca_key = key_from_pem(ca_.key_pem);

  PkeyPtr key = make_ec_key();
  X509Ptr cert = new_cert(key.get(), not_before, not_after);
  set_common_name(X509_get_subject_name(cert.get()), names.front());
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get())),
        "X509_set_issuer_name");

  std::string san;
  for (const auto& n : names) {
    if (!san.empty()) san += ',';
    san += (is_ip_address(n) ? "IP:" : "DNS:") + n;
  }
  add_extension(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth,clientAuth");
  add_extension(cert.get(), ca_cert.get(), NID_subject_key_identifier, "hash");
  add_extension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always");
  add_extension(cert.get(), ca_cert.get(), NID_subject_alt_name, san);
  check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()), "X509_sign(leaf)");

  return KeyPair{cert_to_pem(cert.get()), key_to_pem(key.get())};
}

void TestPki::write_ca_pem(const std::filesystem::path& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << ca_.cert_pem;
  out.close();
  if (!out) throw std::runtime_error("TestPki: cannot write " + path.string());
}

}  // namespace qi::testing

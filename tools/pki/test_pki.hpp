// A throw-away certificate authority made at test time (OpenSSL, in memory), so TLS tests verify
// real chains on loopback without any fixture keys in the repository.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace qi::testing {

struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

class TestPki {
 public:
  // A fresh CA (EC P-256, valid from an hour ago for a day).
  static TestPki create(const std::string& ca_name = "qualys-insight test CA");

  const KeyPair& ca() const { return ca_; }

  // A leaf certificate signed by this CA for the given names: entries that parse as IP
  // addresses become IP SANs, others DNS SANs. not_before/not_after are relative to now, so
  // (-2h, -1h) makes an expired certificate.
  KeyPair issue(const std::vector<std::string>& names,
                std::chrono::seconds not_before = -std::chrono::hours(1),
                std::chrono::seconds not_after = std::chrono::hours(24)) const;

  void write_ca_pem(const std::filesystem::path& path) const;

 private:
  KeyPair ca_;
};

}  // namespace qi::testing

// qualys.ca_file is checked before any connection (`check`, HttpsClient): it must exist, be a
// regular file and hold at least one PEM certificate.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "net/tls_context.hpp"
#include "pki/test_pki.hpp"
#include "support/temp_dir.hpp"

namespace qi::net {
namespace {

class CaFileTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& content) {
    const auto path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }

  qi::testing::TempDir dir_;
  qi::testing::TestPki pki_ = qi::testing::TestPki::create();
};

TEST_F(CaFileTest, AcceptsAPemCertificateAfterCommentLines) {
  EXPECT_EQ(ca_file_problem(write("ca.pem", pki_.ca().cert_pem)), std::nullopt);
  EXPECT_EQ(ca_file_problem(write("bundle.pem", "# corporate CA\n" + pki_.ca().cert_pem +
                                                    pki_.issue({"localhost"}).cert_pem)),
            std::nullopt);
}

TEST_F(CaFileTest, NamesAMissingFile) {
  const std::string path = (dir_.path() / "missing.pem").string();
  EXPECT_EQ(ca_file_problem(path), "cannot load ca_file " + path + ": No such file or directory");
}

TEST_F(CaFileTest, RejectsADirectory) {
  EXPECT_EQ(ca_file_problem(dir_.path().string()),
            "cannot load ca_file " + dir_.path().string() + ": not a regular file");
}

TEST_F(CaFileTest, RejectsFilesThatHoldNoPemCertificate) {
  for (const auto& [name, content] : {std::pair<std::string, std::string>{"empty.pem", ""},
                                      {"key.pem", pki_.ca().key_pem},
                                      {"ca.der", std::string("\x30\x82\x01\x0a\x02\x82", 6)},
                                      {"notes.txt", "see the wiki for the CA\n"}}) {
    const std::string path = write(name, content);
    const auto problem = ca_file_problem(path);
    ASSERT_TRUE(problem) << name;
    EXPECT_EQ(problem->rfind("cannot load ca_file " + path + ": no PEM certificate in it", 0), 0u)
        << *problem;
    EXPECT_NE(problem->find("openssl x509 -inform der"), std::string::npos) << *problem;
  }
}

TEST_F(CaFileTest, RejectsADamagedCertificateBlock) {
  const std::string path =
      write("bad.pem", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
  const auto problem = ca_file_problem(path);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->rfind("cannot load ca_file " + path + ": malformed PEM", 0), 0u) << *problem;
}

}  // namespace
}  // namespace qi::net

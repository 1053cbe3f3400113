#include "config/credentials.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "common/error.hpp"
#include "support/temp_dir.hpp"

namespace qi::config {
namespace {

// Every special character the brief lists, plus a '#' in the middle.
const std::string kHostilePassword = R"(p&a+s%s=w:o!r~d^@$/"'#x)";

class CredentialsTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& content) {
    auto path = dir_.path() / "auth.conf";
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // Loads and returns the error's what(); fails the test when no ConfigError is thrown.
  std::string error_of(const std::string& content) {
    try {
      load_credentials(write(content));
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.file(), (dir_.path() / "auth.conf").string());
      return e.what();
    }
    ADD_FAILURE() << "no ConfigError";
    return {};
  }

  qi::testing::TempDir dir_;
};

TEST_F(CredentialsTest, ReadsLoginPasswordAndRegion) {
  Credentials c = load_credentials(write("jdoe secret qg2.apps.qualys.com\n"));
  EXPECT_EQ(c.username, "jdoe");
  EXPECT_EQ(c.password, "secret");
  EXPECT_EQ(c.region, "qg2.apps.qualys.com");
}

TEST_F(CredentialsTest, KeepsAPasswordFullOfSpecialCharactersVerbatim) {
  Credentials c = load_credentials(write("jdoe\t" + kHostilePassword + "   qg1.apps.qualys.com"));
  EXPECT_EQ(c.password, kHostilePassword);
  EXPECT_EQ(c.region, "qg1.apps.qualys.com");
}

TEST_F(CredentialsTest, AllowsTheRegionToBeOmitted) {
  Credentials c = load_credentials(write("jdoe secret\n"));
  EXPECT_EQ(c.region, "");
}

TEST_F(CredentialsTest, SkipsTheLegacyHeaderLineCommentsAndBlankLines) {
  Credentials c = load_credentials(
      write("LOGIN           PASSWORD      REGION_URL\n\n# the API user\n  \njdoe secret\n"));
  EXPECT_EQ(c.username, "jdoe");
}

TEST_F(CredentialsTest, IgnoresWindowsLineEndsAndABom) {
  Credentials c = load_credentials(write("\xEF\xBB\xBFjdoe secret qg2.apps.qualys.com\r\n"));
  EXPECT_EQ(c.username, "jdoe");
  EXPECT_EQ(c.region, "qg2.apps.qualys.com");
}

TEST_F(CredentialsTest, ReportsAMissingFile) {
  try {
    load_credentials(dir_.path() / "missing.conf");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
  }
}

TEST_F(CredentialsTest, ReportsAFileWithoutACredentialsLine) {
  EXPECT_NE(error_of("# nothing\n\n").find("no credentials line"), std::string::npos);
}

TEST_F(CredentialsTest, ReportsALoginWithoutPassword) {
  EXPECT_NE(error_of("jdoe\n").find("no password"), std::string::npos);
}

TEST_F(CredentialsTest, NeverPutsThePasswordIntoAnErrorMessage) {
  const std::string cases[] = {
      "jdoe " + kHostilePassword + " qg1.apps.qualys.com extra\n",       // too many fields
      "jdoe " + kHostilePassword + "\njdoe " + kHostilePassword + "\n",  // two lines
      "jdoe " + kHostilePassword + "\x01 qg1\n",                         // control character
      "jdoe pass w0rdz with spaces\n",
  };
  for (const std::string& content : cases) {
    std::string what = error_of(content);
    EXPECT_FALSE(what.empty());
    EXPECT_EQ(what.find(kHostilePassword), std::string::npos) << what;
    EXPECT_EQ(what.find("p&a"), std::string::npos) << what;
    EXPECT_EQ(what.find("w0rdz"), std::string::npos) << what;
    EXPECT_EQ(what.find("qg1"), std::string::npos) << what;
  }
}

TEST_F(CredentialsTest, WarnsWhenTheFileIsReadableByOthers) {
  auto path = write("jdoe secret\n");
  ::chmod(path.c_str(), 0644);
  CredentialsFileCheck check = check_credentials_file(path);
  EXPECT_TRUE(check.group_or_world_accessible);
  EXPECT_EQ(check.mode, 0644u);
  EXPECT_NE(check.warning.find("chmod 600"), std::string::npos);
  EXPECT_EQ(check.warning.find("secret"), std::string::npos);
}

TEST_F(CredentialsTest, DoesNotWarnAboutAPrivateFile) {
  auto path = write("jdoe secret\n");
  ::chmod(path.c_str(), 0600);
  EXPECT_TRUE(check_credentials_file(path).warning.empty());
}

}  // namespace
}  // namespace qi::config

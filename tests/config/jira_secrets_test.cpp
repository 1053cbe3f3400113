// The Jira token and credentials files of the insight section (config/credentials.hpp).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "common/error.hpp"
#include "config/credentials.hpp"
#include "support/temp_dir.hpp"

namespace qi::config {
namespace {

const std::string kToken = "NjY4OTk4MTI3NzE2OkHostile+/=token";

class JiraSecretsTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& content) {
    auto path = dir_.path() / "jira.secret";
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // The ConfigError's what() of reading `content` with `load`; fails when nothing is thrown.
  template <typename Load>
  std::string error_of(const std::string& content, Load load) {
    try {
      load(write(content));
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.file(), (dir_.path() / "jira.secret").string());
      return e.what();
    }
    ADD_FAILURE() << "no ConfigError";
    return {};
  }

  qi::testing::TempDir dir_;
};

TEST_F(JiraSecretsTest, ReadsATokenAloneOnItsLine) {
  EXPECT_EQ(load_token(write(kToken + "\n")), kToken);
}

TEST_F(JiraSecretsTest, ReadsATokenPastCommentsBlankLinesCrAndBom) {
  EXPECT_EQ(load_token(write("\xEF\xBB\xBF# Jira PAT of svc-qualys\n\n  " + kToken + "  \r\n")),
            kToken);
}

TEST_F(JiraSecretsTest, RefusesATokenFileWithoutAToken) {
  EXPECT_NE(error_of("# empty\n", load_token).find("no token line"), std::string::npos);
}

TEST_F(JiraSecretsTest, RefusesTwoTokenLinesWithoutEchoingThem) {
  const std::string what = error_of(kToken + "\n" + kToken + "x\n", load_token);
  EXPECT_NE(what.find("line 2 is a second token line (the first is line 1)"), std::string::npos)
      << what;
  EXPECT_EQ(what.find("Hostile"), std::string::npos) << what;
}

TEST_F(JiraSecretsTest, RefusesATokenWithBlanksWithoutEchoingIt) {
  const std::string what = error_of("Bearer " + kToken + "\n", load_token);
  EXPECT_NE(what.find("line 1 has 2 fields"), std::string::npos) << what;
  EXPECT_EQ(what.find("Hostile"), std::string::npos) << what;
}

TEST_F(JiraSecretsTest, ReportsAMissingTokenFileAsATokenFile) {
  try {
    load_token(dir_.path() / "missing.token");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open token file: No such file"), std::string::npos)
        << e.what();
  }
}

TEST_F(JiraSecretsTest, ReadsUserAndPassword) {
  const Login login = load_login(write("svc-qualys p&ss:w0rd\n"));
  EXPECT_EQ(login.user, "svc-qualys");
  EXPECT_EQ(login.password, "p&ss:w0rd");
}

TEST_F(JiraSecretsTest, RefusesAUserWithoutPasswordOrWithThreeFields) {
  EXPECT_NE(error_of("svc-qualys\n", load_login).find("line 1 has 1 field;"), std::string::npos);
  const std::string what = error_of("svc-qualys hunter2 extra\n", load_login);
  EXPECT_NE(what.find("expected one line \"USER PASSWORD\""), std::string::npos) << what;
  EXPECT_EQ(what.find("hunter2"), std::string::npos) << what;
}

TEST_F(JiraSecretsTest, DoesNotSkipTheQualysTemplateLineInAJiraFile) {
  // "LOGIN PASSWORD REGION_URL" is a header only in the legacy Qualys file.
  EXPECT_NE(error_of("LOGIN PASSWORD REGION_URL\n", load_login).find("3 fields"),
            std::string::npos);
}

TEST_F(JiraSecretsTest, WarnsAboutATokenFileReadableByOthers) {
  auto path = write(kToken + "\n");
  ::chmod(path.c_str(), 0640);
  const CredentialsFileCheck check = check_secret_file(path, "token file", "a token");
  EXPECT_TRUE(check.group_or_world_accessible);
  EXPECT_EQ(check.warning, "token file " + path.string() +
                               " is accessible by group or others (mode 0640); it holds a "
                               "token: chmod 600 " +
                               path.string());
  ::chmod(path.c_str(), 0600);
  EXPECT_TRUE(check_secret_file(path, "token file", "a token").warning.empty());
}

}  // namespace
}  // namespace qi::config

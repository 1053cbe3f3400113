#include "config/credentials.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace qi::config {
namespace {

constexpr std::size_t kMaxFileBytes = 64 * 1024;

// What differs between the secret files: the Qualys credentials file, a Jira token file and a
// Jira credentials file are all one line among blank lines and comments.
struct SecretFormat {
  std::string_view noun;    // "credentials", "token": "no token line", "cannot open token file"
  std::string_view format;  // the expected line, for every error
  bool skip_legacy_header = false;  // the legacy README's "LOGIN PASSWORD REGION_URL" line
};

const SecretFormat kQualysFormat{"credentials", "expected one line \"LOGIN PASSWORD [REGION_URL]\"",
                                 true};
const SecretFormat kTokenFormat{"token", "expected one line holding only the token"};
const SecretFormat kLoginFormat{"credentials", "expected one line \"USER PASSWORD\""};

// The one line that counts, split into fields, and where it is (for messages).
struct SecretLine {
  std::vector<std::string_view> fields;
  std::string where;  // "line 3"
};

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && is_blank(line[pos])) ++pos;
    std::size_t start = pos;
    while (pos < line.size() && !is_blank(line[pos])) ++pos;
    if (pos > start) fields.push_back(line.substr(start, pos - start));
  }
  return fields;
}

std::string read_file(const std::filesystem::path& file, const SecretFormat& kind) {
  const std::string noun = std::string(kind.noun) + " file";
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw ConfigError(file.string(), "", noun + " is a directory");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    int err = errno;
    throw ConfigError(
        file.string(), "",
        "cannot open " + noun + ": " + (err != 0 ? std::strerror(err) : "unknown error"));
  }
  std::string content;
  char buffer[4096];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    content.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (content.size() > kMaxFileBytes) {
      throw ConfigError(file.string(), "", noun + " is larger than 64 KiB");
    }
  }
  if (in.bad()) throw ConfigError(file.string(), "", "cannot read " + noun);
  return content;
}

// Blank lines, lines whose first non-blank character is '#', a trailing CR and a UTF-8 BOM are
// passed over. Messages name lines by number, never by content.
SecretLine only_line(const std::filesystem::path& file, std::string_view content,
                     const SecretFormat& kind) {
  const std::string format(kind.format);
  std::string_view rest = content;
  if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);
  std::optional<SecretLine> found;
  std::size_t line_no = 0;
  while (!rest.empty()) {
    ++line_no;
    std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    auto fields = split_fields(line);
    if (fields.empty() || fields.front().front() == '#') continue;
    if (kind.skip_legacy_header && fields.size() == 3 && fields[0] == "LOGIN" &&
        fields[1] == "PASSWORD" && fields[2] == "REGION_URL") {
      continue;
    }
    const std::string where = "line " + std::to_string(line_no);
    for (char c : line) {
      auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7F) {
        throw ConfigError(file.string(), "", where + " contains a control character; " + format);
      }
    }
    if (found) {
      throw ConfigError(file.string(), "",
                        where + " is a second " + std::string(kind.noun) + " line (the first is " +
                            found->where + "); " + format);
    }
    found = SecretLine{std::move(fields), where};
  }
  if (!found) {
    throw ConfigError(file.string(), "", "no " + std::string(kind.noun) + " line; " + format);
  }
  return *found;
}

}  // namespace

Credentials load_credentials(const std::filesystem::path& file) {
  const std::string content = read_file(file, kQualysFormat);
  const SecretLine line = only_line(file, content, kQualysFormat);
  const std::string format(kQualysFormat.format);
  if (line.fields.size() == 1) {
    throw ConfigError(file.string(), "", line.where + " has a login but no password; " + format);
  }
  if (line.fields.size() > 3) {
    throw ConfigError(file.string(), "",
                      line.where + " has " + std::to_string(line.fields.size()) + " fields; " +
                          format + " (a password cannot contain spaces)");
  }
  Credentials c;
  c.username = std::string(line.fields[0]);
  c.password = std::string(line.fields[1]);
  if (line.fields.size() == 3) c.region = std::string(line.fields[2]);
  return c;
}

std::string load_token(const std::filesystem::path& file) {
  const std::string content = read_file(file, kTokenFormat);
  const SecretLine line = only_line(file, content, kTokenFormat);
  if (line.fields.size() != 1) {
    throw ConfigError(file.string(), "",
                      line.where + " has " + std::to_string(line.fields.size()) + " fields; " +
                          std::string(kTokenFormat.format) + " (a token contains no spaces)");
  }
  return std::string(line.fields[0]);
}

Login load_login(const std::filesystem::path& file) {
  const std::string content = read_file(file, kLoginFormat);
  const SecretLine line = only_line(file, content, kLoginFormat);
  if (line.fields.size() != 2) {
    throw ConfigError(file.string(), "",
                      line.where + " has " + std::to_string(line.fields.size()) + " field" +
                          (line.fields.size() == 1 ? "" : "s") + "; " +
                          std::string(kLoginFormat.format) + " (a password cannot contain spaces)");
  }
  return {std::string(line.fields[0]), std::string(line.fields[1])};
}

CredentialsFileCheck check_credentials_file(const std::filesystem::path& file) {
  return check_secret_file(file, "credentials file", "a password");
}

CredentialsFileCheck check_secret_file(const std::filesystem::path& file, std::string_view kind,
                                       std::string_view holds) {
  CredentialsFileCheck check;
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return check;
  check.mode = static_cast<unsigned>(st.st_mode) & 07777U;
  check.group_or_world_accessible = (check.mode & 077U) != 0;
  if (check.group_or_world_accessible) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", check.mode);
    check.warning = std::string(kind) + " " + file.string() +
                    " is accessible by group or others (mode " + mode + "); it holds " +
                    std::string(holds) + ": chmod 600 " + file.string();
  }
  return check;
}

}  // namespace qi::config

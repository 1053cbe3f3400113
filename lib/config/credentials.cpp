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
constexpr std::string_view kFormat = "expected one line \"LOGIN PASSWORD [REGION_URL]\"";

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

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    int err = errno;
    throw ConfigError(file.string(), "",
                      std::string("cannot open credentials file: ") +
                          (err != 0 ? std::strerror(err) : "unknown error"));
  }
  std::string content;
  char buffer[4096];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    content.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (content.size() > kMaxFileBytes) {
      throw ConfigError(file.string(), "", "credentials file is larger than 64 KiB");
    }
  }
  if (in.bad()) throw ConfigError(file.string(), "", "cannot read credentials file");
  return content;
}

}  // namespace

Credentials load_credentials(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    throw ConfigError(file.string(), "", "credentials file is a directory");
  }
  const std::string content = read_file(file);
  std::string_view rest = content;
  if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);

  std::optional<Credentials> found;
  std::size_t found_line = 0;
  std::size_t line_no = 0;
  while (!rest.empty()) {
    ++line_no;
    std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    auto fields = split_fields(line);
    if (fields.empty() || fields.front().front() == '#') continue;
    if (fields.size() == 3 && fields[0] == "LOGIN" && fields[1] == "PASSWORD" &&
        fields[2] == "REGION_URL") {
      continue;  // the legacy README's template line
    }
    const std::string where = "line " + std::to_string(line_no);
    for (char c : line) {
      auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7F) {
        throw ConfigError(file.string(), "",
                          where + " contains a control character; " + std::string(kFormat));
      }
    }
    if (found) {
      throw ConfigError(file.string(), "",
                        where + " is a second credentials line (the first is line " +
                            std::to_string(found_line) + "); " + std::string(kFormat));
    }
    if (fields.size() == 1) {
      throw ConfigError(file.string(), "",
                        where + " has a login but no password; " + std::string(kFormat));
    }
    if (fields.size() > 3) {
      throw ConfigError(file.string(), "",
                        where + " has " + std::to_string(fields.size()) + " fields; " +
                            std::string(kFormat) + " (a password cannot contain spaces)");
    }
    Credentials c;
    c.username = std::string(fields[0]);
    c.password = std::string(fields[1]);
    if (fields.size() == 3) c.region = std::string(fields[2]);
    found = std::move(c);
    found_line = line_no;
  }
  if (!found) {
    throw ConfigError(file.string(), "", "no credentials line; " + std::string(kFormat));
  }
  return *found;
}

CredentialsFileCheck check_credentials_file(const std::filesystem::path& file) {
  CredentialsFileCheck check;
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return check;
  check.mode = static_cast<unsigned>(st.st_mode) & 07777U;
  check.group_or_world_accessible = (check.mode & 077U) != 0;
  if (check.group_or_world_accessible) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", check.mode);
    check.warning = "credentials file " + file.string() +
                    " is accessible by group or others (mode " + mode +
                    "); it holds a password: chmod 600 " + file.string();
  }
  return check;
}

}  // namespace qi::config

// The legacy credentials file (/opt/qualys/auth.conf): one line "LOGIN PASSWORD [REGION_URL]".
// Kept in its legacy format so existing installations keep their file; the daemon re-reads it on
// SIGHUP. Nothing here ever puts the password (or anything after the login) into an error.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"

namespace qi::config {

// Reads the file. Rules:
//  - blank lines and lines whose first non-blank character is '#' are skipped;
//  - a line that is literally "LOGIN PASSWORD REGION_URL" (the legacy README's template) is a
//    header and is skipped;
//  - exactly one remaining line, fields separated by spaces/tabs: LOGIN PASSWORD [REGION_URL];
//    the password may hold any printable character except blanks (& + % = : ! ~ ^ @ $ / " ' ...);
//  - a trailing CR (file edited on Windows) and a UTF-8 BOM are ignored.
// Throws ConfigError(file, "", reason) on a missing/unreadable file, no credentials line, more
// than one, a missing password, too many fields or a control character.
Credentials load_credentials(const std::filesystem::path& file);

// insight.token_file, insight.cloud.token_file: a Jira personal access token or an Assets
// container token (sent as Bearer), alone on one line, read by the rules above. Throws
// ConfigError; the token is never in its text.
std::string load_token(const std::filesystem::path& file);

// insight.credentials_file: one line "USER PASSWORD" (Basic), read by the rules above.
struct Login {
  std::string user;
  std::string password;  // never logged, never in argv or error text
};
Login load_login(const std::filesystem::path& file);

// What `check` reports about the file's permissions; the file holds a password in clear.
struct CredentialsFileCheck {
  bool group_or_world_accessible = false;  // any of the mode's 077 bits set
  unsigned mode = 0;                       // permission bits, e.g. 0644
  std::string warning;                     // empty when fine
};

// Never throws; a file that cannot be stat'ed yields no warning (load_credentials reports it).
CredentialsFileCheck check_credentials_file(const std::filesystem::path& file);
// The same check of any file holding a secret: kind names it ("token file"), holds says what
// it holds ("a token").
CredentialsFileCheck check_secret_file(const std::filesystem::path& file, std::string_view kind,
                                       std::string_view holds);

}  // namespace qi::config

// The start-up both simulator executables share: their flags' values (numbers, lists, secrets
// read from a file's first line), the port file the scripts wait for, and running until SIGINT or
// SIGTERM. Errors are std::invalid_argument / std::runtime_error with a message for the user;
// run_main prints them and exits 2.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace qi::sim_common {

// A flag's value that must be a non-negative number.
std::int64_t flag_number(const std::string& flag, const std::string& text);

// "a,b,,c" → {"a", "b", "c"}.
std::vector<std::string> split_list(const std::string& text, char separator);

// The whole first line of `file` without its line end (spaces are kept: it is a password or a
// token); throws when it cannot be read or is empty.
std::string first_line_of(const std::string& flag, const std::filesystem::path& file);

// Writes `content` to a temp file beside `path` and renames it over `path`, so a reader polling
// for the file never sees it half written.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

// The bound port into `port_file` (when one was asked for), for the scripts that wait for it.
void write_port_file(const std::filesystem::path& port_file, std::uint16_t port);

// Runs `io` until SIGINT or SIGTERM, which call `stop` (the simulator's) and end the loop.
void run_until_signalled(boost::asio::io_context& io, const std::function<void()>& stop);

// main(): `run`'s exit code, or 2 after printing "<program>: <what went wrong>" to stderr.
int run_main(const char* program, const std::function<int()>& run);

}  // namespace qi::sim_common

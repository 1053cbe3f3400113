#include "sim_common/launch.hpp"

#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace qi::sim_common {

std::int64_t flag_number(const std::string& flag, const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < 0) {
    throw std::invalid_argument(flag + ": expected a non-negative number, got '" + text + "'");
  }
  return value;
}

std::vector<std::string> split_list(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, separator);) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string first_line_of(const std::string& flag, const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line)) {
    throw std::invalid_argument(flag + ": cannot read " + file.string());
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) throw std::invalid_argument(flag + ": " + file.string() + " is empty");
  return line;
}

void write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::filesystem::rename(tmp, path);
}

void write_port_file(const std::filesystem::path& port_file, std::uint16_t port) {
  if (!port_file.empty()) write_file_atomically(port_file, std::to_string(port) + "\n");
}

void run_until_signalled(boost::asio::io_context& io, const std::function<void()>& stop) {
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    stop();
    io.stop();
  });
  io.run();
}

int run_main(const char* program, const std::function<int()>& run) {
  try {
    return run();
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return 2;
  }
}

}  // namespace qi::sim_common

// Idle keep-alive connections per Origin. Single-threaded by design (one io_context thread):
// take() hands a connection to exactly one request, so no connection is ever shared.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "net/http_client.hpp"

namespace qi::net {

struct Connection;

class ConnectionPool {
 public:
  explicit ConnectionPool(std::size_t max_idle_per_origin);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // The most recently used idle connection to origin (the likeliest to be alive), or null.
  std::unique_ptr<Connection> take(const Origin& origin);

  // Keeps connection for reuse; past the per-origin limit the oldest idle one is closed.
  void put(const Origin& origin, std::unique_ptr<Connection> connection);

  std::size_t idle_count(const Origin& origin) const;

 private:
  using Key = std::pair<std::string, std::uint16_t>;
  std::size_t max_idle_per_origin_;
  std::map<Key, std::vector<std::unique_ptr<Connection>>> idle_;
};

}  // namespace qi::net

#include "net/connection_pool.hpp"

#include "net/connection.hpp"

namespace qi::net {

ConnectionPool::ConnectionPool(std::size_t max_idle_per_origin)
    : max_idle_per_origin_(max_idle_per_origin) {}

ConnectionPool::~ConnectionPool() = default;

std::unique_ptr<Connection> ConnectionPool::take(const Origin& origin) {
  auto it = idle_.find(Key{origin.host, origin.port});
  if (it == idle_.end() || it->second.empty()) return nullptr;
  auto connection = std::move(it->second.back());
  it->second.pop_back();
  return connection;
}

void ConnectionPool::put(const Origin& origin, std::unique_ptr<Connection> connection) {
  if (max_idle_per_origin_ == 0) return;
  auto& idle = idle_[Key{origin.host, origin.port}];
  if (idle.size() >= max_idle_per_origin_) idle.erase(idle.begin());
  idle.push_back(std::move(connection));
}

std::size_t ConnectionPool::idle_count(const Origin& origin) const {
  auto it = idle_.find(Key{origin.host, origin.port});
  return it == idle_.end() ? 0 : it->second.size();
}

}  // namespace qi::net

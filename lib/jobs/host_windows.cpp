#include "jobs/host_windows.hpp"

#include <algorithm>

namespace qi::jobs {

std::string HostWindow::text() const {
  if (!ids.empty()) {
    constexpr std::size_t kShown = 40;
    return "ids " + (ids.size() > kShown ? ids.substr(0, kShown) + "…" : ids);
  }
  return (id_min ? std::to_string(*id_min) : std::string()) + "-" +
         (id_max ? std::to_string(*id_max) : std::string());
}

HostWindowBuilder::HostWindowBuilder(Shape shape, std::int64_t hosts_per_window)
    : shape_(shape), hosts_per_window_(std::max<std::int64_t>(1, hosts_per_window)) {}

bool HostWindowBuilder::add(std::int64_t first, std::int64_t last) {
  if (first > last || (last_id_ && first <= *last_id_)) return false;
  last_id_ = last;
  hosts_ += static_cast<std::uint64_t>(last - first + 1);
  // A range may span several windows: cut it where the current window is full.
  while (first <= last) {
    if (windows_.empty() || in_current_ == hosts_per_window_) {
      HostWindow next;
      if (shape_ == Shape::covering) {
        if (!windows_.empty()) {
          windows_.back().id_max = first - 1;
          next.id_min = first;
        }
      }
      windows_.push_back(std::move(next));
      in_current_ = 0;
    }
    const std::int64_t room = hosts_per_window_ - in_current_;
    const std::int64_t take_last = (last - first + 1 > room) ? first + room - 1 : last;
    if (shape_ == Shape::listed) append_ids(first, take_last);
    in_current_ += take_last - first + 1;
    if (take_last == last) break;
    first = take_last + 1;
  }
  return true;
}

void HostWindowBuilder::append_ids(std::int64_t first, std::int64_t last) {
  std::string& ids = windows_.back().ids;
  if (!ids.empty()) ids += ',';
  ids += std::to_string(first);
  if (last != first) ids += '-' + std::to_string(last);
}

std::vector<HostWindow> HostWindowBuilder::finish() && {
  if (windows_.empty() && shape_ == Shape::covering) windows_.emplace_back();
  return std::move(windows_);
}

}  // namespace qi::jobs

// Splitting the host-ID list (host list API, details=None) into detection windows, as Qualys
// recommends for large subscriptions (docs/qualys-api.md §6.4): each window is one detection
// request stream of about `hosts_per_window` hosts, and the windows are fetched concurrently.
//
// Two shapes:
//  - covering (full pulls): the windows partition the whole ID space, [id_min, id_max] with the
//    first open below and the last open above, cut where the listed IDs reach the window size.
//    A host added between the list and the detection request still falls in some window.
//  - listed (incremental pulls): each window names its hosts with `ids=` ranges, because only
//    the listed hosts (those processed since the last run) are wanted.
// Built as the list streams in, in O(windows) memory for covering windows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qi::jobs {

struct HostWindow {
  std::optional<std::int64_t> id_min;
  std::optional<std::int64_t> id_max;
  std::string ids;  // "1-5,9,12-20" for listed windows; empty for covering ones

  std::string text() const;  // for logs: "1-4999", "5000-", "ids 1-5,9"
};

class HostWindowBuilder {
 public:
  enum class Shape { covering, listed };

  HostWindowBuilder(Shape shape, std::int64_t hosts_per_window);

  // Adds the IDs first..last. Returns false (and ignores the range) when it does not come after
  // every ID added so far: the list must ascend for covering windows to be right.
  bool add(std::int64_t first, std::int64_t last);

  std::uint64_t hosts() const { return hosts_; }
  // The windows; covering windows are at least one (the whole ID space) even for an empty list.
  std::vector<HostWindow> finish() &&;

 private:
  void append_ids(std::int64_t first, std::int64_t last);

  Shape shape_;
  std::int64_t hosts_per_window_;
  std::vector<HostWindow> windows_;
  std::optional<std::int64_t> last_id_;
  std::int64_t in_current_ = 0;  // IDs in the window being filled
  std::uint64_t hosts_ = 0;
};

}  // namespace qi::jobs

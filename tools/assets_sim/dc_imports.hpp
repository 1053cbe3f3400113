// The Data Center import sources and their runs: a run started by POST import/start goes
// through three progress steps of DcOptions::step_duration each and is then finished. Time is
// passed in, so the progress a request sees is a pure function of when it asks. Not thread-safe
// (the core locks).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "assets_sim/assets_sim.hpp"

namespace qi::assets_sim {

struct DcClock {
  std::chrono::steady_clock::time_point steady;
  std::chrono::system_clock::time_point wall;
  static DcClock now() {
    return {std::chrono::steady_clock::now(), std::chrono::system_clock::now()};
  }
};

class DcImports {
 public:
  enum class Start { started, already_running, unknown };

  DcImports(const DcOptions& options, DcClock clock);

  bool known(std::int64_t id) const { return sources_.contains(id); }
  bool running(std::int64_t id, DcClock clock) const;
  Start start(std::int64_t id, DcClock clock, bool fails);
  // The body of GET progress/category/imports/{id} (the id must be known).
  std::string progress_json(std::int64_t id, DcClock clock) const;
  const std::vector<std::int64_t>& starts() const { return starts_; }

 private:
  struct Run {
    DcClock started;
    std::uint64_t number = 0;  // 1 = the source's first run
    bool fails = false;
  };
  struct Source {
    std::uint64_t objects = 0;
    std::uint64_t runs = 0;
    std::optional<Run> last;
  };

  std::chrono::milliseconds step_;
  std::map<std::int64_t, Source> sources_;
  std::vector<std::int64_t> starts_;
};

}  // namespace qi::assets_sim

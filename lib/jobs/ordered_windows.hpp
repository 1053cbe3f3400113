// Fetching a job's windows (KB QID ranges, detection host-ID ranges) concurrently while the CSV
// rows still come out in window order. Each window is written to its own unnamed temp segment
// (one per output file, in the output directory); as soon as the earliest unfinished window is
// done, it and every finished window after it are appended to the real files, in order, and their
// segments closed. Memory stays flat (segments are files); disk holds at most the published size
// plus the windows finished ahead of a slow one (at most 4 × workers windows are started ahead
// of the first unfinished one).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <vector>

#include "output/csv_writer.hpp"

namespace qi::jobs {

namespace asio = boost::asio;

struct WindowPlan {
  std::size_t windows = 0;            // how many windows, fetched in ascending index order
  std::size_t workers = 1;            // windows in flight at once (the governor caps the calls)
  std::size_t files = 1;              // segments per window, e.g. 2 for vulnkb.csv and cve.csv
  std::filesystem::path segment_dir;  // where the unnamed segments live (the output directory)
  output::CsvDialect dialect;
};

// A job's plan: `windows` windows of `files` files each, as many workers as window_workers()
// allows, segments in the output directory in the output dialect.
struct JobEnvironment;
WindowPlan window_plan(const JobEnvironment& env, std::size_t windows, std::size_t files);

// Fetches window `index` into `segments` (one writer per file, empty at the start). Retries are
// its own business: on a retry it rolls the segments back itself.
using FetchWindow = std::function<asio::awaitable<void>(std::size_t index,
                                                        std::vector<output::CsvWriter>& segments)>;
// Called once per window, in ascending index order, when all windows before it are delivered;
// usually appends the segments to the publication's writers.
using DeliverWindow =
    std::function<void(std::size_t index, std::vector<output::CsvWriter>& segments)>;

// Runs every window; returns when all are delivered. The first failure cancels the windows in
// flight and is rethrown; cancellation of the caller (deadline, stop) reaches every window.
// `fetch` and `deliver` are held by reference: pass named objects.
asio::awaitable<void> fetch_windows_in_order(const WindowPlan& plan, const FetchWindow& fetch,
                                             const DeliverWindow& deliver);

}  // namespace qi::jobs

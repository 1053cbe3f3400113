// `qualys-insightd convert`: the same conversion as the online jobs, from saved API responses
// (KB and detection XML, CSAM JSON pages). For replays, investigations and benchmarks.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "jobs/job.hpp"
#include "output/csv_writer.hpp"

namespace qi::jobs {

struct Conversion {
  std::vector<PublishedFile> files;
  // Set when the last input is one page of a longer answer (a KB or detection page that ends
  // with WARNING 1980): the files are published but lack the rest, and this says so, naming
  // the input and the next page's URL (userinfo redacted), for the operator.
  std::optional<std::string> incomplete;
};

// How the files are written: the CSV dialect and the extra columns (output.*), as `run` would.
struct ConvertOptions {
  output::CsvDialect dialect;
  config::ExtraColumns columns;
};
ConvertOptions convert_options(const config::Config& config);

// Reads the inputs in order, streaming, and publishes the job's files into output_dir
// atomically. Throws qi::FatalError naming the input file on any problem (a file holding a
// Qualys error response, an incomplete document, ...); nothing is published then.
Conversion convert_files(JobKind kind, const std::vector<std::filesystem::path>& inputs,
                         const std::filesystem::path& output_dir, const ConvertOptions& options);

}  // namespace qi::jobs

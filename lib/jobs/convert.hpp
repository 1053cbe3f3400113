// `qualys-insightd convert`: the same conversion as the online jobs, from saved API responses
// (KB and detection XML, CSAM JSON pages). For replays, investigations and benchmarks.
#pragma once

#include <filesystem>
#include <vector>

#include "jobs/job.hpp"
#include "output/csv_writer.hpp"

namespace qi::jobs {

// Reads the inputs in order, streaming, and publishes the job's files into output_dir
// atomically. Throws qi::FatalError naming the input file on any problem (a file holding a
// Qualys error response, an incomplete document, ...); nothing is published then.
std::vector<PublishedFile> convert_files(JobKind kind,
                                         const std::vector<std::filesystem::path>& inputs,
                                         const std::filesystem::path& output_dir,
                                         const output::CsvDialect& dialect);

}  // namespace qi::jobs

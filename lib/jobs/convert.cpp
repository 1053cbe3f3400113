#include "jobs/convert.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/error.hpp"
#include "config/url_checks.hpp"
#include "jobs/asset_columns.hpp"
#include "jobs/columns.hpp"
#include "jobs/job_support.hpp"
#include "jobs/kb_columns.hpp"
#include "jobs/record_writers.hpp"
#include "jobs/vm_columns.hpp"
#include "output/publication.hpp"
#include "qualys/csam_page_parser.hpp"
#include "qualys/detection_parser.hpp"
#include "qualys/kb_parser.hpp"

namespace qi::jobs {

namespace {

// Streams a file through `feed` in 1 MiB pieces: memory stays flat whatever the file's size.
template <class Parser>
void stream_file(const std::filesystem::path& path, Parser& parser) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw FatalError("cannot open " + path.string() + ": " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  auto buffer = std::make_unique<char[]>(1 << 20);
  for (;;) {
    const auto n = ::read(fd, buffer.get(), 1 << 20);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw FatalError("cannot read " + path.string() + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    parser.feed(std::string_view(buffer.get(), static_cast<std::size_t>(n)));
  }
  parser.finish();
  if constexpr (requires { parser.simple_return(); }) {
    if (const auto& simple = parser.simple_return()) {
      throw FatalError(path.string() + " holds a Qualys error response, CODE " + simple->code +
                           ": " + simple->text,
                       simple->code);
    }
  }
}

// Runs one input through a parser, turning any error into one that names the file.
template <class Body>
void with_input(const std::filesystem::path& path, Body body) {
  try {
    body();
  } catch (const RefusedDocument& error) {
    throw FatalError(path.string() + ": " + error.what());
  } catch (const FatalError&) {
    throw;
  } catch (const std::exception& error) {
    throw FatalError(path.string() + ": " + error.what());
  }
}

// A URL read from an input file, fit for a terminal: no userinfo, no control characters (the
// file may come from anywhere), not endless.
std::string displayable_url(std::string_view url) {
  constexpr std::size_t kMaxLength = 2048;
  std::string text = config::redact_userinfo(url.substr(0, kMaxLength));
  for (auto& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (url.size() > kMaxLength) text += "...";
  return text;
}

// A page ending with WARNING 1980 is one page of an answer Qualys cut at truncation_limit; the
// rest is at the warning's URL (hld_truncated_warning.xml). When such a page is the last input,
// the files lack the rest: says so, for the operator. Pages before the last are normally followed
// by their next page as the next input, and say nothing.
std::optional<std::string> unfinished_answer(const std::filesystem::path& input,
                                             const qualys::QualysXmlDocument& page,
                                             std::string_view outputs_hold) {
  const auto& warning = page.warning();
  if (!warning || warning->code != "1980") return std::nullopt;
  const std::string next = page.next_page_url()
                               ? "the next page is " + displayable_url(*page.next_page_url())
                               : "the warning names no URL of the next page";
  return input.string() +
         " is one page of a longer answer (it ends with Qualys WARNING 1980) and the last input; " +
         next + ". " + std::string(outputs_hold) +
         " only the pages given: fetch the next page and those after it, and convert all "
         "pages together";
}

}  // namespace

ConvertOptions convert_options(const config::Config& config) {
  return {dialect_of(config), config.output.extra_columns};
}

Conversion convert_files(JobKind kind, const std::vector<std::filesystem::path>& inputs,
                         const std::filesystem::path& output_dir, const ConvertOptions& options) {
  const auto& dialect = options.dialect;
  const auto& columns = options.columns;
  Conversion conversion;
  auto& files = conversion.files;
  switch (kind) {
    case JobKind::kb: {
      output::Publication publication(output_dir, {std::string(kVulnKbFile), std::string(kCveFile)},
                                      dialect);
      auto& vulnkb = publication.writer(kVulnKbFile);
      auto& cve = publication.writer(kCveFile);
      vulnkb.write_header(header_with(kVulnKbHeader, columns.vulnkb));
      cve.write_header(kCveHeader);
      for (const auto& input : inputs) {
        with_input(input, [&] {
          qualys::KbParser parser(
              [&](qualys::KbVuln&& vuln) { write_kb_rows(vulnkb, cve, vuln, columns.vulnkb); },
              kb_fields(columns.vulnkb));
          stream_file(input, parser);
          conversion.incomplete = unfinished_answer(input, parser, "vulnkb.csv and cve.csv hold");
        });
      }
      publication.commit();
      files = {describe_file(kVulnKbFile, vulnkb), describe_file(kCveFile, cve)};
      break;
    }
    case JobKind::vm: {
      output::Publication publication(output_dir, {std::string(kVmFile)}, dialect);
      auto& vm = publication.writer(kVmFile);
      vm.write_header(header_with(kVmHeader, columns.vm));
      DetectionRowWriter rows(vm, columns.vm);
      const auto fields = detection_fields(columns.vm);
      for (const auto& input : inputs) {
        with_input(input, [&] {
          qualys::DetectionParser parser([&](qualys::DetectionHost&& host) { rows.write(host); },
                                         fields);
          stream_file(input, parser);
          conversion.incomplete = unfinished_answer(input, parser, "vm.csv holds");
        });
      }
      publication.commit();
      files = {describe_file(kVmFile, vm)};
      break;
    }
    case JobKind::assets: {
      output::Publication publication(output_dir, {std::string(kAssetsFile)}, dialect);
      auto& assets = publication.writer(kAssetsFile);
      assets.write_header(header_with(kAssetsHeader, columns.assets));
      for (const auto& input : inputs) {
        with_input(input, [&] {
          qualys::CsamPageParser parser(
              [&](qualys::Asset&& asset) { write_asset_row(assets, asset, columns.assets); },
              asset_record_fields(columns.assets));
          stream_file(input, parser);
          const auto& envelope = parser.envelope();
          if (!envelope.response_code.empty() && envelope.response_code != "SUCCESS") {
            throw FatalError(input.string() + " holds a CSAM error response: responseCode " +
                                 envelope.response_code + ": " + envelope.response_message,
                             envelope.response_code);
          }
        });
      }
      publication.commit();
      files = {describe_file(kAssetsFile, assets)};
      break;
    }
    case JobKind::insight:  // publishes nothing: the command line offers only the three above
      throw std::logic_error("convert: insight has no files to convert");
  }
  return conversion;
}

}  // namespace qi::jobs

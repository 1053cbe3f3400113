// assets: CSAM v2 asset search, paged by the lastSeenAssetId cursor (qualys-api.md §4).
#include <fmt/format.h>

#include "common/error.hpp"
#include "common/log.hpp"
#include "jobs/columns.hpp"
#include "jobs/job.hpp"
#include "jobs/job_support.hpp"
#include "jobs/publish_step.hpp"
#include "jobs/record_writers.hpp"
#include "net/form_encoding.hpp"
#include "qualys/csam_count.hpp"
#include "qualys/csam_page_parser.hpp"

namespace qi::jobs {

namespace {

// Only the fields assets.csv needs (plus hostId, the join key with vm.csv): the full asset
// object carries software lists and is many times larger. Fields left out come back as null.
constexpr std::string_view kIncludeFields =
    "assetId,assetUUID,address,assetName,netbiosName,lastLoggedOnUser,biosSerialNumber,"
    "biosAssetTag,operatingSystem,hardware,lastModifiedDate,createdDate,hostId";

std::string search_target(int page_size, std::optional<std::int64_t> cursor) {
  std::string target = "/rest/2.0/search/am/asset?pageSize=" + std::to_string(page_size);
  if (cursor) target += "&lastSeenAssetId=" + std::to_string(*cursor);
  target += "&includeFields=" + net::url_encode_component(kIncludeFields);
  return target;
}

}  // namespace

asio::awaitable<JobResult> run_assets_job(JobEnvironment& env) {
  const auto& job_config = env.config.jobs.assets;
  auto& session = env.session;
  JobResult result;
  result.kind = JobKind::assets;
  const std::string body = job_config.filter_json;

  std::optional<std::int64_t> total;
  const std::string count_description = "CSAM asset count";
  const std::string count_target = "/rest/2.0/count/am/asset";
  const qualys::Attempt count_attempt = [&](int) -> asio::awaitable<void> {
    BufferedBody buffer;
    CountingConsumer counting(buffer, result, env.progress);
    const auto status = co_await session.post_gateway(count_target, body, counting);
    if (status == 204) {
      total = 0;
      co_return;
    }
    auto count = qualys::parse_csam_count(buffer.text());
    if (count.response_code != "SUCCESS") {
      throw FatalError(
          "CSAM asset count: responseCode " + count.response_code + ": " + count.response_message,
          count.response_code);
    }
    total = count.count;
  };
  co_await qualys::run_with_retries(env.context, session.retry_policy(), count_description,
                                    count_attempt);
  log::info(fmt::format("{}: CSAM reports {} assets", env.context.job, total.value_or(0)),
            {{"JOB", env.context.job},
             {"RUN_ID", env.context.run_id},
             {"CSAM_COUNT", std::to_string(total.value_or(0))}});

  output::Publication publication(env.config.output.dir, {std::string(kAssetsFile)},
                                  dialect_of(env.config));
  auto& writer = publication.writer(kAssetsFile);
  write_header(writer, kAssetsHeader);

  ProgressReporter progress(env);
  std::optional<std::int64_t> cursor;
  int empty_pages = 0;
  // hostIds of the published assets, for the reference check against vm.csv (8 bytes each).
  std::vector<std::int64_t> host_ids;
  for (std::uint64_t page = 1;; ++page) {
    const auto mark = writer.mark();
    qualys::CsamEnvelope envelope;
    unsigned status = 0;
    std::optional<std::int64_t> highest;
    std::vector<std::int64_t> page_host_ids;
    // Named, not a temporary inside the co_await: GCC 12 mis-destroys temporaries of a
    // conditional expression that live across a suspension point.
    std::string description = "CSAM asset page " + std::to_string(page);
    if (cursor) description += " after asset " + std::to_string(*cursor);
    const qualys::Attempt attempt = [&](int) -> asio::awaitable<void> {
      writer.rollback(mark);
      highest.reset();
      page_host_ids.clear();
      qualys::CsamPageParser parser([&](qualys::Asset&& asset) {
        const auto floor = highest ? highest : cursor;
        if (floor && asset.asset_id <= *floor) {
          throw TransientError("CSAM page returned asset " + std::to_string(asset.asset_id) +
                               " after asset " + std::to_string(*floor) + " (IDs must ascend)");
        }
        highest = asset.asset_id;
        if (asset.host_id) page_host_ids.push_back(*asset.host_id);
        write_asset_row(writer, asset);
      });
      qualys::ParserConsumer consumer(parser);
      CountingConsumer counting(consumer, result, env.progress);
      const std::string target = search_target(job_config.page_size, cursor);
      status = co_await session.post_gateway(target, body, counting);
      if (status == 204) co_return;
      envelope = parser.envelope();
      if (envelope.response_code != "SUCCESS") {
        throw FatalError("CSAM asset search: responseCode " + envelope.response_code + ": " +
                             envelope.response_message,
                         envelope.response_code);
      }
      if (envelope.has_more.value_or(0) == 1 && envelope.assets == 0) {
        // Seen in the wild: a page that promises more but holds nothing. Ask again a few
        // times; publishing here could drop the rest of the inventory.
        if (++empty_pages > job_config.empty_page_retries) {
          throw FatalError("CSAM asset search: page " + std::to_string(page) +
                           " says hasMore=1 but holds no assets, " + std::to_string(empty_pages) +
                           " times; not publishing");
        }
        throw TransientError("CSAM page says hasMore=1 but holds no assets");
      }
    };
    co_await qualys::run_with_retries(env.context, session.retry_policy(), description, attempt);
    result.pages = page;
    host_ids.insert(host_ids.end(), page_host_ids.begin(), page_host_ids.end());
    if (status == 204 || envelope.assets == 0) break;
    // The cursor Qualys hands back is the one to send next; one that stays put would make us
    // read the same page forever (or, worse, skip assets if we guessed past it).
    const auto next = envelope.last_seen_asset_id.value_or(*highest);
    if (next < *highest) {
      throw FatalError("CSAM asset search: lastSeenAssetId " + std::to_string(next) +
                       " is behind the page's last asset " + std::to_string(*highest) +
                       " (the cursor would not advance); not publishing");
    }
    if (cursor && next <= *cursor) {
      throw FatalError("CSAM asset search: the lastSeenAssetId cursor did not advance past " +
                       std::to_string(*cursor) + "; not publishing");
    }
    cursor = next;
    progress.update(writer.rows(), "page " + std::to_string(page));
    if (envelope.has_more && *envelope.has_more == 0) break;
  }

  // Count check: the inventory changes during a run, but not by much; a large gap means pages
  // went missing (or the count endpoint and the search disagree).
  if (total && !env.force) {
    const auto written = static_cast<std::int64_t>(writer.rows());
    const auto allowed =
        static_cast<std::int64_t>(static_cast<double>(*total) * job_config.count_tolerance);
    if (std::llabs(written - *total) > allowed) {
      throw FatalError(fmt::format(
          "wrote {} assets but CSAM counted {} at the start of the run (tolerance {}, "
          "jobs.assets.count_tolerance {}); not publishing. If the inventory really changed that "
          "much during the run, run `qualys-insightd run --force assets`",
          written, *total, allowed, job_config.count_tolerance));
    }
  }
  result.files.push_back(describe_file(kAssetsFile, writer));
  publish_checked(env, publication, result.files, result);
  save_asset_host_ids(env.config.state.dir, std::move(host_ids));
  result.summary = std::to_string(writer.rows()) + " assets in " + std::to_string(result.pages) +
                   " pages (CSAM count " + std::to_string(total.value_or(0)) + ")";
  co_return result;
}

}  // namespace qi::jobs

// Generations: the plan of each mutation step over the record slots of one type.
//
// The n generation-0 records of a type are ranked by a seeded affine permutation of [0, n).
// Step k removes the R records ranked just below those step k-1 removed, counting down from the
// top rank, until half the records are gone; it changes the C records of the lower (never
// removed) half whose ranks follow the previous step's, wrapping around; and it appends A new
// slots. So every step has exactly R removals, C changes and A additions (each at least one once
// a type has 10 records), a record's fate is a few integer operations, and removals and changes
// never collide. A record added by step b changes in a later step k with probability
// changed_permille / 1000 (a hash of its index and k).
#include "qualys_sim/generations.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "qualys_sim/sim_util.hpp"

namespace qi::sim {

namespace {

constexpr std::uint64_t kChurnDomain = 40;  // mix64 domains 40..42, one per RecordType

struct Churn {
  std::int64_t base = 0;           // generation-0 records
  std::int64_t changed = 0;        // per step, among the lower half of the ranks
  std::int64_t half = 0;           // ranks [0, half) are never removed
  std::int64_t removed = 0;        // per step
  std::int64_t removal_steps = 0;  // steps that remove (half the records at most)
  std::int64_t added = 0;          // per step
};

std::int64_t base_count(const DataSpec& spec, RecordType type) {
  switch (type) {
    case RecordType::asset:
      return std::max<std::int64_t>(spec.assets, 0);
    case RecordType::vuln:
      return std::max<std::int64_t>(spec.qids, 0);
    case RecordType::host:
      return std::max<std::int64_t>(spec.hosts, 0);
  }
  return 0;
}

Churn churn_of(const DataSpec& spec, RecordType type) {
  Churn c;
  c.base = base_count(spec, type);
  if (c.base == 0) return c;
  // Below 10 records a step still changes and adds one (small test datasets move too), but
  // removes nothing.
  const auto per_step = [&](int permille, bool only_from_ten) -> std::int64_t {
    if (permille <= 0) return 0;
    if (c.base < 10) return only_from_ten ? 0 : 1;
    return std::max<std::int64_t>(1, c.base * permille / 1000);
  };
  c.half = c.base - c.base / 2;
  c.changed = std::min(per_step(spec.changed_permille, false), c.half);
  c.removed = type == RecordType::vuln ? 0 : per_step(spec.removed_permille, true);  // QIDs stay
  c.removal_steps = c.removed > 0 ? (c.base / 2) / c.removed : 0;
  c.added = per_step(spec.added_permille, false);
  return c;
}

std::uint64_t domain_of(RecordType type) {
  return kChurnDomain + static_cast<std::uint64_t>(type);
}

// a * b mod n without overflow (n < 2^63).
std::uint64_t mul_mod(std::uint64_t a, std::uint64_t b, std::uint64_t n) {
  if (a < (1ULL << 32) && b < (1ULL << 32)) return a * b % n;
  std::uint64_t result = 0;
  for (a %= n; b > 0; b >>= 1, a = (a + a) % n) {
    if (b & 1) result = (result + a) % n;
  }
  return result;
}

// Rank of generation-0 record `index` in the type's seeded permutation of [0, base).
std::int64_t rank_of(const DataSpec& spec, RecordType type, std::int64_t base, std::int64_t index) {
  if (base <= 1) return 0;
  const std::uint64_t h = mix64(spec.seed, domain_of(type), 0, 0);
  const auto n = static_cast<std::uint64_t>(base);
  std::uint64_t a = 1 + h % (n - 1);
  while (std::gcd(a, n) != 1) a = a % (n - 1) + 1;  // reaches 1 at worst
  const std::uint64_t b = (h >> 32) % n;
  return static_cast<std::int64_t>((mul_mod(a, static_cast<std::uint64_t>(index), n) + b) % n);
}

std::optional<std::int64_t> parse_generation_time(const std::string& text) {
  if (text.size() != 20) return std::nullopt;  // YYYY-MM-DDTHH:MM:SSZ only
  return parse_iso_utc(text);
}

}  // namespace

int generation_of(const DataSpec& spec) {
  return static_cast<int>(spec.generation_times.size());
}

std::int64_t generation_epoch(const DataSpec& spec, int step) {
  if (step < 1 || step > generation_of(spec)) {
    throw std::out_of_range("generation step " + std::to_string(step) + " does not exist");
  }
  const auto& text = spec.generation_times[static_cast<std::size_t>(step - 1)];
  const auto epoch = parse_generation_time(text);
  if (!epoch)
    throw std::invalid_argument("generation time '" + text + "' is not YYYY-MM-DDTHH:MM:SSZ");
  return *epoch;
}

void check_generations(const DataSpec& spec) {
  std::int64_t previous = INT64_MIN;
  for (int step = 1; step <= generation_of(spec); ++step) {
    const std::int64_t t = generation_epoch(spec, step);
    if (t <= previous) {
      throw std::invalid_argument("generation time '" +
                                  spec.generation_times[static_cast<std::size_t>(step - 1)] +
                                  "' is not after the previous one");
    }
    previous = t;
  }
}

int append_generation(DataSpec& spec, std::int64_t epoch_seconds) {
  const int g = generation_of(spec);
  if (g > 0) epoch_seconds = std::max(epoch_seconds, generation_epoch(spec, g) + 1);
  spec.generation_times.push_back(iso_utc(epoch_seconds, false));
  return g + 1;
}

void append_past_generations(DataSpec& spec, int count) {
  constexpr std::int64_t k20250801T06 = 1754028000;  // 2025-08-01T06:00:00Z
  for (int k = 0; k < count; ++k) append_generation(spec, k20250801T06 + 86400LL * k);
}

std::int64_t slots_at(const DataSpec& spec, RecordType type, int generation) {
  const Churn c = churn_of(spec, type);
  return c.base + c.added * generation;
}

RecordHistory record_history(const DataSpec& spec, RecordType type, std::int64_t index) {
  const int g = generation_of(spec);
  const Churn c = churn_of(spec, type);
  RecordHistory history;
  if (index < 0 || index >= c.base + c.added * g) return history;
  history.exists = true;
  if (g == 0) return history;
  if (index >= c.base) {
    history.born = static_cast<int>((index - c.base) / c.added) + 1;
    history.generation = history.born;
    for (int k = history.born + 1; k <= g; ++k) {
      if (static_cast<int>(mix64(spec.seed, domain_of(type), static_cast<std::uint64_t>(index),
                                 static_cast<std::uint64_t>(k)) %
                           1000) < spec.changed_permille) {
        history.generation = k;
      }
    }
    return history;
  }
  const std::int64_t rank = rank_of(spec, type, c.base, index);
  const std::int64_t from_top = c.base - 1 - rank;
  if (from_top < c.removed * c.removal_steps && from_top / c.removed + 1 <= g) {
    history.exists = false;  // removed by step from_top / removed + 1
    return history;
  }
  if (rank < c.half && c.changed > 0) {
    for (int k = g; k >= 1; --k) {
      const std::int64_t offset = (c.changed * (k - 1)) % c.half;
      if ((rank - offset + c.half) % c.half < c.changed) {
        history.generation = k;
        break;
      }
    }
  }
  return history;
}

std::int64_t asset_slots(const DataSpec& spec) {
  return slots_at(spec, RecordType::asset, generation_of(spec));
}
std::int64_t qid_slots(const DataSpec& spec) {
  return slots_at(spec, RecordType::vuln, generation_of(spec));
}
std::int64_t host_slots(const DataSpec& spec) {
  return slots_at(spec, RecordType::host, generation_of(spec));
}

bool asset_exists(const DataSpec& spec, std::int64_t index) {
  return record_history(spec, RecordType::asset, index).exists;
}
bool host_exists(const DataSpec& spec, std::int64_t index) {
  return record_history(spec, RecordType::host, index).exists;
}

namespace {
std::int64_t existing(const DataSpec& spec, RecordType type) {
  const Churn c = churn_of(spec, type);
  const std::int64_t g = generation_of(spec);
  return c.base + c.added * g - c.removed * std::min(g, c.removal_steps);
}
}  // namespace

std::int64_t asset_count(const DataSpec& spec) {
  return existing(spec, RecordType::asset);
}
std::int64_t host_count(const DataSpec& spec) {
  return existing(spec, RecordType::host);
}

int asset_generation(const DataSpec& spec, std::int64_t index) {
  return record_history(spec, RecordType::asset, index).generation;
}
int vuln_generation(const DataSpec& spec, std::int64_t index) {
  return record_history(spec, RecordType::vuln, index).generation;
}
int host_generation(const DataSpec& spec, std::int64_t index) {
  return record_history(spec, RecordType::host, index).generation;
}

}  // namespace qi::sim

#include "schedule/jitter.hpp"

#include <gtest/gtest.h>

#include <set>

namespace qi::schedule {
namespace {

using namespace std::chrono_literals;

TEST(StableJitter, NoneWithoutAJitter) {
  EXPECT_EQ(stable_jitter("kb", 0ms), 0ms);
  EXPECT_EQ(stable_jitter("kb", -5ms), 0ms);
}

TEST(StableJitter, AlwaysBelowTheJitterAndTheSameEveryTime) {
  for (const auto jitter : {1ms, 7ms, 1000ms, std::chrono::milliseconds(15min)}) {
    for (const auto* job : {"assets", "kb", "vm", ""}) {
      const auto delay = stable_jitter(job, jitter);
      EXPECT_GE(delay, 0ms);
      EXPECT_LT(delay, jitter);
      EXPECT_EQ(stable_jitter(job, jitter), delay);
    }
  }
}

TEST(StableJitter, FixedAcrossBuildsSoTheTimeOfDayStays) {
  // FNV-1a of the job name modulo the jitter: these values must never change.
  static_assert(stable_jitter("kb", std::chrono::milliseconds(3600000)) ==
                stable_jitter("kb", std::chrono::milliseconds(3600000)));
  constexpr auto kb = stable_jitter("kb", std::chrono::milliseconds(1'000'000'007));
  constexpr auto vm = stable_jitter("vm", std::chrono::milliseconds(1'000'000'007));
  EXPECT_EQ(kb.count(), static_cast<std::int64_t>(0x08be3c07b5627138ULL % 1'000'000'007ULL));
  EXPECT_NE(kb, vm);
}

TEST(StableJitter, SpreadsTheJobsOverTheWindow) {
  std::set<std::int64_t> delays;
  for (const auto* job : {"assets", "kb", "vm"}) delays.insert(stable_jitter(job, 1h).count());
  EXPECT_EQ(delays.size(), 3u);
}

}  // namespace
}  // namespace qi::schedule

// The small subscription that the job tests run against qualys-sim: 25 assets, 40 QIDs and, by
// default, 12 hosts with 4 detections each. With the small pages of the jobs tests' config that
// is several pages of every kind, and it runs in well under a second. Header-only, so that
// qi_test_support does not depend on the simulator; a test using it links qi_qualys_sim.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "qualys_sim/simulator.hpp"

namespace qi::testing {

struct SmallSubscription {
  std::uint64_t seed = 1;          // which data: tests that compare runs use different seeds
  std::int64_t hosts = 12;         // the gates' tests grow and shrink the host list
  std::string_view password = {};  // empty: the simulator's default
};

inline sim::SimulatorOptions small_subscription_options(const SmallSubscription& subscription) {
  sim::SimulatorOptions options;
  options.data.seed = subscription.seed;
  options.data.assets = 25;
  options.data.qids = 40;
  options.data.hosts = subscription.hosts;
  options.data.detections_per_host = 4;
  if (!subscription.password.empty()) options.password = std::string(subscription.password);
  return options;
}

}  // namespace qi::testing

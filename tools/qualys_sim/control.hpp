// The simulator's control endpoints (/__sim/stats, /__sim/faults, /__sim/expire-tokens,
// /__sim/mutate, /__sim/generation, /__sim/write-expected) used by scripts and by tests that drive
// the qualys-sim executable.
#pragma once

#include "qualys_sim/core.hpp"

namespace qi::sim {

asio::awaitable<void> handle_control(SimulatorCore& core, Stream& stream, const Request& request,
                                     const std::string& path);

}  // namespace qi::sim

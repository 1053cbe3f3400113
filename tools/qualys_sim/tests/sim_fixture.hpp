// Test fixture: a Simulator on a fresh io_context with a fresh test CA, and a client for it.
// Server and client share the test thread's io_context; the client drives it.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>

#include "pki/test_pki.hpp"
#include "qualys_sim/simulator.hpp"
#include "qualys_sim/tests/sim_client.hpp"

namespace qi::sim::testing {

class SimFixture : public ::testing::Test {
 protected:
  // Starts (or restarts) the simulator with these options.
  void start(SimulatorOptions options = {}) {
    client_.reset();
    simulator_.reset();
    simulator_ = std::make_unique<Simulator>(io_.get_executor(), std::move(options),
                                             pki_.issue({"localhost", "127.0.0.1"}));
    simulator_->start();
    client_ = std::make_unique<SimClient>(io_, simulator_->port(), pki_.ca().cert_pem);
  }
  void SetUp() override { start(); }
  void TearDown() override {
    if (simulator_) simulator_->stop();
    io_.restart();
    io_.run_for(std::chrono::milliseconds(20));
  }

  Simulator& sim() { return *simulator_; }
  SimClient& client() { return *client_; }
  boost::asio::io_context& io() { return io_; }

  boost::asio::io_context io_;
  qi::testing::TestPki pki_ = qi::testing::TestPki::create();
  std::unique_ptr<Simulator> simulator_;
  std::unique_ptr<SimClient> client_;
};

}  // namespace qi::sim::testing

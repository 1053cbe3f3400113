// Test fixture: an AssetsSimulator on a fresh io_context with a fresh test CA, qualys-sim's HTTPS
// client for it, and conveniences for the two API families. Server and client share the test
// thread's io_context; the client drives it.
#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>

#include "assets_sim/assets_sim.hpp"
#include "pki/test_pki.hpp"
#include "qualys_sim/tests/sim_client.hpp"

namespace qi::assets_sim::testing {

using qi::sim::testing::ClientRequest;
using qi::sim::testing::ClientResponse;
using Verb = boost::beast::http::verb;

inline const std::string kCloudBase =
    "/jsm/assets/workspace/5a7e0d1c-sim-workspace/v1/importsource/7";

class AssetsFixture : public ::testing::Test {
 protected:
  // Short steps so that a run finishes within a test's polling deadline.
  static AssetsSimOptions fast_options() {
    AssetsSimOptions options;
    options.dc.step_duration = std::chrono::milliseconds(30);
    options.cloud.processing_duration = std::chrono::milliseconds(30);
    return options;
  }
  void start(AssetsSimOptions options) {
    client_.reset();
    simulator_.reset();
    simulator_ = std::make_unique<AssetsSimulator>(io_.get_executor(), std::move(options),
                                                   pki_.issue({"localhost", "127.0.0.1"}));
    simulator_->start();
    client_ =
        std::make_unique<qi::sim::testing::SimClient>(io_, simulator_->port(), pki_.ca().cert_pem);
  }
  void SetUp() override { start(fast_options()); }
  void TearDown() override {
    if (simulator_) simulator_->stop();
    io_.restart();
    io_.run_for(std::chrono::milliseconds(20));
  }

  AssetsSimulator& sim() { return *simulator_; }

  ClientResponse send(Verb method, const std::string& target, const std::string& authorization,
                      const std::string& body = {}, bool xsrf = true) {
    ClientRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.content_type = "application/json";
    if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
    if (xsrf) request.headers.emplace_back("X-Atlassian-Token", "no-check");
    return client_->send(request, std::chrono::seconds(10));
  }
  ClientResponse dc(Verb method, const std::string& target,
                    const std::string& authorization = "Bearer jira-pat") {
    return send(method, target, authorization);
  }
  ClientResponse cloud(Verb method, const std::string& path, const std::string& body = {},
                       const std::string& token = "assets-container-token") {
    return send(method, kCloudBase + path, "Bearer " + token, body, false);
  }

  // Repeats the request until the answer satisfies done, or 5 s have passed; between tries the
  // server keeps running (a client polls Assets at a pace, under its rate limit).
  ClientResponse poll(const std::function<ClientResponse()>& request,
                      const std::function<bool(const rapidjson::Document&)>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      ClientResponse response = request();
      if (done(json(response)) || std::chrono::steady_clock::now() > deadline) return response;
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
    }
  }

  static rapidjson::Document json(const ClientResponse& response) {
    rapidjson::Document doc;
    doc.Parse(response.body.c_str());
    if (doc.HasParseError()) doc.SetObject();
    return doc;
  }
  static std::string text(const rapidjson::Value& object, const char* name) {
    const auto it = object.FindMember(name);
    return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
  }
  // The dataValidationErrors codes of an answer, in order.
  static std::vector<std::string> error_codes(const ClientResponse& response) {
    std::vector<std::string> codes;
    const auto doc = json(response);
    if (!doc.HasMember("dataValidationErrors")) return codes;
    for (const auto& e : doc["dataValidationErrors"].GetArray()) codes.push_back(text(e, "code"));
    return codes;
  }

  boost::asio::io_context io_;
  qi::testing::TestPki pki_ = qi::testing::TestPki::create();
  std::unique_ptr<AssetsSimulator> simulator_;
  std::unique_ptr<qi::sim::testing::SimClient> client_;
};

}  // namespace qi::assets_sim::testing

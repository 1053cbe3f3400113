// Internals of the record generators, shared by data_gen.cpp (the generation-0 records) and
// data_churn.cpp (what each generation step changes): hash domains, value pools, and the
// generation-0 records themselves. Not part of the public API (data_spec.hpp).
#pragma once

#include <array>
#include <string_view>
#include <utility>

#include "qualys_sim/data_spec.hpp"
#include "qualys_sim/sim_util.hpp"

namespace qi::sim::detail {

enum Domain : std::uint64_t {
  kAsset = 1,
  kVuln = 2,
  kHost = 3,
  kDetection = 4,
  kBase = 5,
  // What a generation step changes in a record (salted with the step).
  kAssetRevision = 11,
  kVulnRevision = 12,
  kHostRevision = 13,
  kDetectionRevision = 14
};

inline std::uint64_t hash_of(const DataSpec& spec, Domain domain, std::int64_t index,
                             std::uint64_t salt = 0) {
  return mix64(spec.seed, domain, static_cast<std::uint64_t>(index), salt);
}

template <std::size_t N>
std::string_view pick(const std::array<std::string_view, N>& pool, std::uint64_t h) {
  return pool[h % N];
}

// 2025-01-01T00:00:00Z: dates fall in the 200 days after it.
inline constexpr std::int64_t kEpoch2025 = 1735689600;

// clang-format off: value pools laid out by hand
inline constexpr std::array<std::string_view, 10> kAssetNames = {
    "web-01.corp.example", "db \"primary\", eu-west",
    "line1\r\nline2",      "Zürich-Ätna-日本",
    "i-0bb87c3281243cdfd", "10.20.30.40",
    "=cmd|' /C calc'!A0",  "cr-only\rx",
    "lf-only\ny",          "trailing-space "};
inline constexpr std::array<std::string_view, 5> kUsers = {
    "CORP\\jdoe", "root", "Ævar \"the admin\"", "svc,backup", "DOMAIN\\svc_sql\\x"};
inline constexpr std::array<std::string_view, 4> kOsNames = {
    "Microsoft Windows Server 2019 Datacenter 10.0.17763 64-bit N/A Build 17763",
    "Canonical Ubuntu Jammy Jellyfish (22.04.5 LTS)", "Red Hat Enterprise Linux 8.6, \"Ootpa\"",
    "Cisco IOS XE 17.3"};
inline constexpr std::array<std::string_view, 4> kOsCat1 = {"Windows", "Linux", "Linux",
                                                            "Network Operating System"};
inline constexpr std::array<std::string_view, 4> kOsCat2 = {"Server", "Ubuntu", "Red Hat", "Cisco"};
inline constexpr std::array<std::string_view, 3> kHwNames = {
    "VMware VMware Virtual Platform VMware Virtual Platform", "Dell PowerEdge R740",
    "HP ProLiant DL380 Gen10 – rack, 2U"};
inline constexpr std::array<std::string_view, 3> kHwCat1 = {"Virtualized", "Server", "Server"};
inline constexpr std::array<std::string_view, 3> kHwCat2 = {"Virtual Machine", "Rack",
                                                            "Rack \"2U\""};

inline constexpr std::array<std::string_view, 8> kTitles = {
    "Apache HTTP Server HTTP/2 Method injection (CVE-2021-33193)",
    "PHP 7 Multiple Vulnerabilities",
    "Microsoft Windows \"PrintNightmare\", Remote Code Execution",
    "<B>OpenSSL</B> &quot;Heartbleed&quot; Information Disclosure",
    "Title with a line\r\nbreak and a lone\nLF",
    "Zürich München ✓ check",
    "Back\\slash in C:\\Program Files\\App",
    "DNS Host Name"};
inline constexpr std::array<std::string_view, 6> kCategories = {
    "Web Application", "Information gathering",       "Windows",
    "Local",           "Backdoors & trojan <horses>", "Cisco"};
inline constexpr std::array<std::string_view, 3> kVulnTypes = {
    "Vulnerability", "Potential Vulnerability", "Vulnerability or Potential Vulnerability"};
inline constexpr std::array<std::string_view, 5> kStatuses = {"New", "Active", "Active",
                                                              "Re-Opened", "Fixed"};
inline constexpr std::array<int, 6> kPorts = {22, 80, 443, 3389, 445, 8443};
inline constexpr std::array<std::string_view, 4> kHostOs = {
    "Windows 2008 R2 Enterprise Service Pack1", "Linux 3.10", "Ubuntu / Linux 22.04",
    "Cisco IOS, \"XE\" 17"};
inline constexpr std::array<std::string_view, 4> kResults = {
    "Certificate #0 CN=host doesn&apos;t resolve",
    "CIPHER KEY-EXCHANGE AUTHENTICATION\nMAC ENCRYPTION(KEY-STRENGTH)\nRC4-SHA\tRSA\tRSA\tSHA1",
    "Vulnerable version: 2.4.48\r\nFixed in: 2.4.49", "HKLM\\Software\\Vendor\\Key = 1"};
// clang-format on

// What a detection needs of its KB entry, without building the VULN's strings (host detection
// is the bulk of a benchmark).
struct VulnTraits {
  std::int64_t qid = 0;
  int severity = 1;
  bool information_gathered = false;
};

VulnTraits vuln_traits_at(const DataSpec& spec, std::int64_t index);
SimCve cve_of(std::string id);

// Generation-0 records and the dates the incremental filters compare (seconds since the epoch).
std::pair<std::int64_t, std::int64_t> base_asset_dates(const DataSpec& spec,
                                                       std::int64_t index);  // created, modified
SimAsset base_asset_at(const DataSpec& spec, std::int64_t index);
std::int64_t base_vuln_modified(const DataSpec& spec, std::int64_t index);
SimVuln base_vuln_at(const DataSpec& spec, std::int64_t index);
std::int64_t base_last_scan(const DataSpec& spec, std::int64_t index);
SimHost base_host_at(const DataSpec& spec, std::int64_t index);
std::vector<SimDetection> base_detections_at(const DataSpec& spec, std::int64_t index);

}  // namespace qi::sim::detail

#include "qualys_sim/tests/served_rows.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <set>
#include <sstream>

#include "qualys_sim/expected_csv.hpp"
#include "qualys_sim/tests/xml_check.hpp"

namespace qi::sim::testing {

namespace {

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  const auto last = s.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string{} : s.substr(first, last - first + 1);
}

// The path and query of a WARNING URL, for following it on the simulator.
std::string target_of(const std::string& url) {
  const auto scheme = url.find("://");
  return url.substr(url.find('/', scheme + 3));
}

// Calls `path` with `form`, then every WARNING URL; hands each page's document to `page`.
template <typename Page>
int follow_warnings(SimClient& client, const std::string& path, const std::string& form,
                    Page page) {
  std::string target = path;
  std::string body = form;
  for (int pages = 1; pages <= 1000; ++pages) {
    const auto response = client.v2(target, body);
    EXPECT_EQ(response.status, 200u) << response.body.substr(0, 400);
    const XmlDoc doc(response.body);
    EXPECT_TRUE(doc.well_formed());
    page(doc);
    const std::string url = trimmed(doc.text("//WARNING/URL"));
    if (response.status != 200 || url.empty()) return pages;
    target = target_of(url);
    body.clear();  // the URL carries every parameter
  }
  ADD_FAILURE() << "more than 1000 pages";
  return 1000;
}

}  // namespace

std::string csv_row(std::initializer_list<std::string_view> fields) {
  std::string out;
  for (const auto f : fields) out += (out.empty() ? "" : ",") + expected_csv_field(f);
  return out;
}

std::vector<std::string> csv_rows(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> rows;
  for (std::string line; std::getline(in, line);) rows.push_back(line);
  if (!rows.empty()) rows.erase(rows.begin());  // header
  return rows;
}

ServedKb served_kb(SimClient& client, const std::string& form) {
  ServedKb out;
  const auto response = client.v2("/api/4.0/fo/knowledge_base/vuln/", form);
  EXPECT_EQ(response.status, 200u) << response.body.substr(0, 400);
  const XmlDoc doc(response.body);
  EXPECT_TRUE(doc.well_formed());
  for (const auto& qid : doc.texts("//VULN/QID")) {
    const std::string at = "//VULN[QID='" + qid + "']/";
    out.qids.push_back(std::stoll(qid));
    out.vulnkb.push_back(csv_row(
        {qid, doc.text(at + "TITLE"), doc.text(at + "CATEGORY"), doc.text(at + "SEVERITY_LEVEL")}));
    // What a correct client writes: one row per distinct non-blank (QID, CVE) pair.
    std::set<std::string> listed;
    for (const auto& id : doc.texts(at + "CVE_LIST/CVE/ID")) {
      if (id.find_first_not_of(" \t\r\n") == std::string::npos) continue;
      if (listed.insert(id).second) out.cve.push_back(csv_row({qid, id}));
    }
  }
  return out;
}

ServedHosts served_detections(SimClient& client, const std::string& form) {
  ServedHosts out;
  out.pages =
      follow_warnings(client, "/api/5.0/fo/asset/host/vm/detection/", form, [&](const XmlDoc& doc) {
        for (const auto& id : doc.texts("//HOST_LIST/HOST/ID")) {
          const std::string at = "//HOST[ID='" + id + "']/";
          out.ids.push_back(std::stoll(id));
          std::set<std::string> seen;
          for (const auto& qid : doc.texts(at + "DETECTION_LIST/DETECTION/QID")) {
            if (seen.insert(qid).second)
              out.vm.push_back(csv_row({id, doc.text(at + "QG_HOSTID"), qid}));
          }
        }
      });
  return out;
}

ServedHosts served_host_list(SimClient& client, const std::string& form) {
  ServedHosts out;
  out.pages = follow_warnings(client, "/api/5.0/fo/asset/host/", form, [&](const XmlDoc& doc) {
    // ID and ID_RANGE in document order (ascending), and HOST_LIST/HOST/ID for Basic/All.
    for (const auto& text : doc.texts("//ID_SET/*|//HOST_LIST/HOST/ID")) {
      const auto dash = text.find('-');
      if (dash == std::string::npos) {
        out.ids.push_back(std::stoll(text));
        continue;
      }
      for (auto id = std::stoll(text.substr(0, dash)); id <= std::stoll(text.substr(dash + 1));
           ++id) {
        out.ids.push_back(id);
      }
    }
  });
  return out;
}

ServedAssets served_assets(SimClient& client, const std::string& token, int page_size,
                           const std::string& extra_query) {
  ServedAssets out;
  std::int64_t cursor = 0;
  const auto str = [](const rapidjson::Value& v, const char* key) -> std::string {
    if (!v.IsObject() || !v.HasMember(key) || v[key].IsNull()) return "";
    return v[key].GetString();
  };
  for (; out.pages < 1000; ++out.pages) {
    const auto response =
        client.gateway("/rest/2.0/search/am/asset?pageSize=" + std::to_string(page_size) +
                           "&lastSeenAssetId=" + std::to_string(cursor) + extra_query,
                       token);
    if (response.status == 204) break;
    EXPECT_EQ(response.status, 200u) << response.body.substr(0, 400);
    rapidjson::Document doc;
    doc.Parse(response.body.c_str());
    if (response.status != 200 || doc.HasParseError() || !doc.IsObject()) {
      ADD_FAILURE() << "not a CSAM page: " << response.body.substr(0, 400);
      break;
    }
    for (const auto& a : doc["assetListData"]["asset"].GetArray()) {
      const auto& os = a["operatingSystem"];
      const auto& hw = a["hardware"];
      out.ids.push_back(a["assetId"].GetInt64());
      out.rows.push_back(csv_row(
          {std::to_string(a["assetId"].GetInt64()), str(a, "assetUUID"), str(a, "address"),
           str(a, "assetName"), str(a, "netbiosName"), str(a, "lastLoggedOnUser"),
           str(a, "biosSerialNumber"), str(a, "biosAssetTag"), str(os, "fullName"),
           str(os, "category1"), str(os, "category2"), str(hw, "fullName"), str(hw, "category1"),
           str(hw, "category2"), str(a, "lastModifiedDate"), str(a, "createdDate")}));
    }
    EXPECT_EQ(doc["count"].GetInt64(),
              static_cast<std::int64_t>(doc["assetListData"]["asset"].Size()));
    cursor = doc["lastSeenAssetId"].GetInt64();
    if (doc["hasMore"].GetInt() == 0) {
      ++out.pages;
      break;
    }
  }
  return out;
}

std::int64_t served_count(SimClient& client, const std::string& token,
                          const std::string& extra_query) {
  const auto response = client.gateway("/rest/2.0/count/am/asset?" + extra_query, token);
  rapidjson::Document doc;
  doc.Parse(response.body.c_str());
  if (response.status != 200 || doc.HasParseError() || !doc.IsObject() || !doc.HasMember("count"))
    return -1;
  return doc["count"].GetInt64();
}

}  // namespace qi::sim::testing

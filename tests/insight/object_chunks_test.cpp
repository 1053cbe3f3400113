// Data chunks streamed from a published CSV (insight/object_chunks.hpp). The expected JSON is
// written by hand from the mapping in docs/insight.md, not produced by the code under test.
#include "insight/object_chunks.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "support/temp_dir.hpp"

namespace qi::insight {
namespace {

class MapHostIds : public HostIdLookup {
 public:
  explicit MapHostIds(std::map<std::string, std::string, std::less<>> ids) : ids_(std::move(ids)) {}
  std::optional<std::string_view> host_id(std::string_view asset_id) const override {
    auto it = ids_.find(asset_id);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::string, std::less<>> ids_;
};

const ObjectTypeMapping& type_of(const CloudMapping& mapping, std::string_view file) {
  for (const auto& type : mapping.object_types) {
    if (type.file == file) return type;
  }
  throw std::runtime_error("no type for " + std::string(file));
}

constexpr const char* kVmHeader = "\"Host ID\",\"QG HostID\",\"QID\"\n";

class ObjectChunksTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& name, const std::string& content) {
    auto path = dir_.path() / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // Every chunk of the file.
  std::vector<std::string> chunks_of(const std::filesystem::path& file, std::string_view csv,
                                     ChunkOptions options) {
    ObjectChunks chunks(file, type_of(mapping_, csv), std::move(options));
    std::vector<std::string> all;
    while (auto chunk = chunks.next()) all.emplace_back(*chunk);
    return all;
  }

  // A vm.csv of `rows` detections with IDs of equal width.
  std::filesystem::path vm_csv(std::size_t rows) {
    std::string text = kVmHeader;
    for (std::size_t i = 0; i < rows; ++i) {
      text += "\"" + std::to_string(100000 + i) + "\",\"qg-" + std::to_string(100000 + i) +
              "\",\"38170\"\n";
    }
    return write("vm.csv", text);
  }

  static std::size_t objects_in(const std::string& chunk) {
    rapidjson::Document doc;
    doc.Parse(chunk.c_str(), chunk.size());
    EXPECT_FALSE(doc.HasParseError()) << chunk;
    return doc["data"]["detections"].Size();
  }

  CloudMapping mapping_ = cloud_mapping();
  qi::testing::TempDir dir_;
};

TEST_F(ObjectChunksTest, MakesVulnerabilitiesWithQuotesCommasAndAnIntegerSeverity) {
  const auto file = write("vulnkb.csv",
                          "\"QID_KB\",\"Vulnerability\",\"Category\",\"SeverityLevel\"\n"
                          "\"38170\",\"SSL Certificate - \"\"Self-Signed\"\", untrusted\","
                          "\"General remote services\",\"2\"\n"
                          "\"105943\",\"EOL Software: Windows 7 || 8\",\"Security Policy\",\"\"\n");
  EXPECT_EQ(
      chunks_of(file, "vulnkb.csv", {"run7", 500, 3, false, nullptr}),
      std::vector<std::string>{
          R"({"data":{"vulnerabilities":[)"
          R"({"qid":"38170","title":"SSL Certificate - \"Self-Signed\", untrusted",)"
          R"("category":"General remote services","severity":2},)"
          R"({"qid":"105943","title":"EOL Software: Windows 7 || 8","category":"Security Policy"}]},)"
          R"("clientGeneratedId":"run7-3","completed":false})"});
}

TEST_F(ObjectChunksTest, MakesDetectionsNamedByHostIdAndQid) {
  const auto file = write("vm.csv", std::string(kVmHeader) + "\"101\",\"\",\"38170\"\n");
  EXPECT_EQ(chunks_of(file, "vm.csv", {"r", 500, 1, false, nullptr}),
            std::vector<std::string>{
                R"({"data":{"detections":[)"
                R"({"detection":"101-38170","hostId":"101","qid":"38170","qgHostId":""}]},)"
                R"("clientGeneratedId":"r-1","completed":false})"});
}

TEST_F(ObjectChunksTest, MakesHostsWithTheirVmHostIdAndUndoublesBackslashes) {
  std::string header;
  for (const char* name :
       {"AssetID", "AssetUUID", "Address", "AssetName", "NetBiosName", "LastLoggedOnUser",
        "BiosSerialNumber", "BiosAssetTag", "OperatingSystem", "OS Category", "OS SubCategory",
        "Hardware", "Hardware Category", "Hardware SubCategory", "LastModifiedDate",
        "CreatedDate"}) {
    header += std::string(header.empty() ? "" : ",") + "\"" + name + "\"";
  }
  const auto file = write(
      "assets.csv", header + "\n" +
                        R"("42","uuid-1","10.0.0.1","web, ""prod""","WEB01","CORP\\jdoe","SN1","",)"
                        R"("Windows","OS","Win","HW","Cat","Sub","2026-01-11T01:02:03.004Z","")"
                        "\n" +
                        R"("43","","","","","","","","","","","","","","","")"
                        "\n");
  const MapHostIds host_ids(std::map<std::string, std::string, std::less<>>{{"42", "777"}});
  EXPECT_EQ(chunks_of(file, "assets.csv", {"r", 500, 1, true, &host_ids}),
            std::vector<std::string>{
                R"({"data":{"hosts":[{"assetId":"42","hostId":"777","assetUuid":"uuid-1",)"
                R"("address":"10.0.0.1","assetName":"web, \"prod\"","netbiosName":"WEB01",)"
                R"("lastLoggedOnUser":"CORP\\jdoe","biosSerialNumber":"SN1","biosAssetTag":"",)"
                R"("operatingSystem":"Windows","osCategory":"OS","osSubcategory":"Win",)"
                R"("hardware":"HW","hardwareCategory":"Cat","hardwareSubcategory":"Sub",)"
                R"("lastModifiedDate":"2026-01-11T01:02:03.004Z"},)"
                R"({"assetId":"43","hostId":"","assetUuid":"","address":"","assetName":"",)"
                R"("netbiosName":"","lastLoggedOnUser":"","biosSerialNumber":"","biosAssetTag":"",)"
                R"("operatingSystem":"","osCategory":"","osSubcategory":"","hardware":"",)"
                R"("hardwareCategory":"","hardwareSubcategory":""}]},)"
                R"("clientGeneratedId":"r-1","completed":false})"});
}

TEST_F(ObjectChunksTest, KeepsDoubledBackslashesOfFilesWrittenWithoutThatOption) {
  const auto file = write("vm.csv", std::string(kVmHeader) + R"("1","a\\b","2")" + "\n");
  const auto chunks = chunks_of(file, "vm.csv", {"r", 500, 1, false, nullptr});
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_NE(chunks[0].find(R"("qgHostId":"a\\\\b")"), std::string::npos) << chunks[0];
}

TEST_F(ObjectChunksTest, SplitsAMultiValuedCellIntoAnArray) {
  AttributeMapping id{
      "t/id", "ID", "", AttributeType::text, "id", ValueSource::columns, {"ID"}, true, true,
      false,  "",   ""};
  AttributeMapping tags{"t/tags", "Tags",
                        "",       AttributeType::text,
                        "tags",   ValueSource::columns,
                        {"Tags"}, false,
                        false,    true,
                        "",       ""};
  AttributeMapping ports{"t/ports", "Ports",
                         "",        AttributeType::integer,
                         "ports",   ValueSource::columns,
                         {"Ports"}, false,
                         false,     true,
                         "",        ""};
  const ObjectTypeMapping type{"t", "T", "", "things", "t.csv", {id, tags, ports}};
  const auto file = write("t.csv",
                          "\"ID\",\"Tags\",\"Ports\"\n"
                          "\"1\",\"a, b||c \"\"q\"\"||||\",\"22||443||x\"\n"
                          "\"2\",\"\",\"\"\n");
  ObjectChunks chunks(file, type, {"r", 10, 1, false, nullptr});
  EXPECT_EQ(*chunks.next(),
            R"({"data":{"things":[{"id":"1","tags":["a, b","c \"q\""],"ports":[22,443,"x"]},)"
            R"({"id":"2"}]},"clientGeneratedId":"r-1","completed":false})");
}

TEST_F(ObjectChunksTest, FillsChunksOfNObjectsAndNumbersThem) {
  const auto chunks = chunks_of(vm_csv(7), "vm.csv", {"run", 3, 5, false, nullptr});
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(objects_in(chunks[0]), 3u);
  EXPECT_EQ(objects_in(chunks[1]), 3u);
  EXPECT_EQ(objects_in(chunks[2]), 1u);
  EXPECT_NE(chunks[0].find(R"("clientGeneratedId":"run-5")"), std::string::npos);
  EXPECT_NE(chunks[2].find(R"("clientGeneratedId":"run-7")"), std::string::npos);
}

TEST_F(ObjectChunksTest, ExactlyNRowsMakeOneChunk) {
  ObjectChunks chunks(vm_csv(3), type_of(mapping_, "vm.csv"), {"run", 3, 1, false, nullptr});
  ASSERT_TRUE(chunks.next());
  EXPECT_FALSE(chunks.next());
  EXPECT_EQ(chunks.objects(), 3u);
  EXPECT_EQ(chunks.next_sequence(), 2u);
}

TEST_F(ObjectChunksTest, NPlusOneRowsMakeTwoChunks) {
  const auto chunks = chunks_of(vm_csv(4), "vm.csv", {"run", 3, 1, false, nullptr});
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(objects_in(chunks[1]), 1u);
}

TEST_F(ObjectChunksTest, AFileWithoutRowsMakesNoChunk) {
  ObjectChunks chunks(vm_csv(0), type_of(mapping_, "vm.csv"), {"run", 3, 1, false, nullptr});
  EXPECT_FALSE(chunks.next());
  EXPECT_EQ(chunks.objects(), 0u);
  EXPECT_EQ(chunks.next_sequence(), 1u);
}

TEST_F(ObjectChunksTest, StreamsAFileOfManyRowsInConstantMemory) {
  const auto file = vm_csv(200'000);
  ASSERT_GT(std::filesystem::file_size(file), 4u << 20);
  ObjectChunks chunks(file, type_of(mapping_, "vm.csv"), {"run", 100, 1, false, nullptr});
  std::size_t most = 0, after_hundred = 0, count = 0;
  while (chunks.next()) {
    most = std::max(most, chunks.buffer_capacity());
    if (++count == 100) after_hundred = chunks.buffer_capacity();
  }
  EXPECT_EQ(chunks.objects(), 200'000u);
  EXPECT_LT(most, 256u * 1024);
  EXPECT_EQ(chunks.buffer_capacity(), after_hundred);
}

TEST_F(ObjectChunksTest, NamesAColumnTheMappingNeedsAndTheFileLacks) {
  const auto file = write("vm.csv", "\"Host ID\",\"QID\"\n\"1\",\"2\"\n");
  try {
    ObjectChunks chunks(file, type_of(mapping_, "vm.csv"), {"run", 3, 1, false, nullptr});
    FAIL() << "no FatalError";
  } catch (const FatalError& error) {
    EXPECT_NE(std::string(error.what()).find("has no column \"QG HostID\""), std::string::npos)
        << error.what();
  }
}

TEST_F(ObjectChunksTest, RefusesHostsWithoutAHostIdLookup) {
  const auto file = write("assets.csv", "\"AssetID\"\n");
  EXPECT_THROW(ObjectChunks(file, type_of(mapping_, "assets.csv"), {"run", 3, 1, false, nullptr}),
               FatalError);
}

TEST_F(ObjectChunksTest, NamesTheLineOfARowThatIsNotOurCsv) {
  for (const char* row : {"\"1\",\"2\"", "\"1\",\"2\",\"3\",\"4\"", "\"1\",\"2\",\"3"}) {
    const auto file = write("vm.csv", std::string(kVmHeader) + "\"1\",\"\",\"2\"\n" + row + "\n");
    ObjectChunks chunks(file, type_of(mapping_, "vm.csv"), {"run", 1, 1, false, nullptr});
    ASSERT_TRUE(chunks.next());
    try {
      chunks.next();
      FAIL() << "no FatalError for " << row;
    } catch (const FatalError& error) {
      EXPECT_NE(std::string(error.what()).find("vm.csv: line 3 is not a row of 3 quoted fields"),
                std::string::npos)
          << error.what();
    }
  }
}

TEST_F(ObjectChunksTest, NamesTheLineOfAValueThatIsNotUtf8) {
  const auto file = write("vm.csv", std::string(kVmHeader) + "\"1\",\"\xC3\x28\",\"2\"\n");
  ObjectChunks chunks(file, type_of(mapping_, "vm.csv"), {"run", 1, 1, false, nullptr});
  try {
    chunks.next();
    FAIL() << "no FatalError";
  } catch (const FatalError& error) {
    EXPECT_NE(std::string(error.what()).find("vm.csv: line 2: a value is not valid UTF-8"),
              std::string::npos)
        << error.what();
  }
}

TEST_F(ObjectChunksTest, WritesTheCompletionRequest) {
  EXPECT_EQ(completion_chunk("run", 12),
            R"({"data":{},"clientGeneratedId":"run-12","completed":true})");
}

TEST_F(ObjectChunksTest, CountsTheObjectsOfAFile) {
  EXPECT_EQ(count_objects(vm_csv(0)), 0u);
  EXPECT_EQ(count_objects(vm_csv(5)), 5u);
  EXPECT_EQ(count_objects(write("x.csv", "\"a\"\n\"1\"\n\"2\"")), 2u);
  EXPECT_EQ(count_objects(write("empty.csv", "")), 0u);
}

}  // namespace
}  // namespace qi::insight

// Every document zarr-python 3.4.2 wrote into cpp/tests/golden/metadata/ (see
// generate_metadata.py): we parse it, check the facts the manifest records, and for v3 check that
// to_v3_json() gives back the same document.
#include <gtest/gtest.h>

#include <bit>
#include <string>

#include "support/golden.h"
#include "zarrphase/metadata.h"

namespace zarrphase {
namespace {

using nlohmann::json;
using testing::GoldenDir;
using testing::ReadFileBytes;

json ReadDocument(const std::string& file) {
  const std::string path = GoldenDir("metadata") + "/" + file;
  return parse_json(as_string_view(ReadFileBytes(path)), file);
}

std::string Hex(ByteView bytes) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const std::byte b : bytes) {
    out += kDigits[std::to_integer<unsigned>(b) >> 4];
    out += kDigits[std::to_integer<unsigned>(b) & 0xf];
  }
  return out;
}

json Manifest() { return ReadDocument("manifest.json"); }

void CheckArrayFacts(const ArrayMetadata& m, const json& facts) {
  EXPECT_EQ(m.shape, facts["shape"].get<std::vector<uint64_t>>());
  if (m.codecs.size() == 1 && m.codecs[0]["name"] == "sharding_indexed") {
    // zarr-python reports the inner chunk shape of a sharded array as its "chunks".
    EXPECT_EQ(m.codecs[0]["configuration"]["chunk_shape"], facts["chunk_shape"]);
  } else {
    EXPECT_EQ(m.chunk_shape, facts["chunk_shape"].get<std::vector<uint64_t>>());
  }
  const std::string numpy_dtype = facts["numpy_dtype"];
  EXPECT_EQ(m.data_type, DataType::from_v2_typestr(numpy_dtype, nullptr));
  if constexpr (std::endian::native == std::endian::little) {
    EXPECT_EQ(Hex(m.fill_value.bytes()), facts["fill_value_le_hex"].get<std::string>());
  }
  EXPECT_EQ(m.chunk_key_encoding.encode(facts["chunk_coords"].get<std::vector<uint64_t>>()),
            facts["chunk_key"].get<std::string>());
}

TEST(GoldenMetadataTest, ManifestListsEnoughCases) {
  const json manifest = Manifest();
  EXPECT_EQ(manifest["zarr_python"], "3.4.2");
  EXPECT_GE(manifest["cases"].size(), 30u);
}

TEST(GoldenMetadataTest, V3ArraysParseAndWriteBackIdentically) {
  const json manifest = Manifest();
  int checked = 0;
  for (const json& entry : manifest["cases"]) {
    if (entry["kind"] != "v3_array") continue;
    SCOPED_TRACE(entry["name"].get<std::string>());
    const json document = ReadDocument(entry["file"]);
    const ArrayMetadata m = ArrayMetadata::from_v3_json(document);
    CheckArrayFacts(m, entry["facts"]);
    const json written = m.to_v3_json();
    if (entry["name"] == "v3_float64_nan_payload") {
      // zarr-python wrote "NaN" and so lost the payload; reading it gives the canonical NaN.
      EXPECT_EQ(written["fill_value"], "NaN");
    }
    EXPECT_EQ(written, document) << written.dump();
    EXPECT_EQ(ArrayMetadata::from_v3_json(written).fill_value, m.fill_value);
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST(GoldenMetadataTest, V2ArraysParse) {
  const json manifest = Manifest();
  int checked = 0;
  for (const json& entry : manifest["cases"]) {
    if (entry["kind"] != "v2_array") continue;
    SCOPED_TRACE(entry["name"].get<std::string>());
    const json zarray = ReadDocument(entry["file"]);
    const json attributes =
        entry.contains("attributes_file") ? ReadDocument(entry["attributes_file"]) : json::object();
    const ArrayMetadata m = ArrayMetadata::from_v2_json(zarray, attributes);
    EXPECT_EQ(m.zarr_format, 2);
    CheckArrayFacts(m, entry["facts"]);
    EXPECT_EQ(m.attributes, attributes);
    // The chain: [transpose if order F] bytes [numcodecs.<compressor id>].
    size_t next = 0;
    if (zarray["order"] == "F") {
      EXPECT_EQ(m.codecs[next++]["name"], "transpose");
    }
    EXPECT_EQ(m.codecs[next++]["name"], "bytes");
    if (!zarray["compressor"].is_null()) {
      EXPECT_EQ(m.codecs[next]["name"],
                "numcodecs." + zarray["compressor"]["id"].get<std::string>());
      ++next;
    }
    EXPECT_EQ(m.codecs.size(), next);
    // The migrated v3 document reads back to the same metadata.
    const ArrayMetadata v3 = ArrayMetadata::from_v3_json(m.to_v3_json());
    EXPECT_EQ(v3.codecs, m.codecs);
    EXPECT_EQ(v3.fill_value, m.fill_value);
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

TEST(GoldenMetadataTest, Groups) {
  const json manifest = Manifest();
  int checked = 0;
  for (const json& entry : manifest["cases"]) {
    const json facts = entry["facts"];
    if (entry["kind"] == "v3_group") {
      const json document = ReadDocument(entry["file"]);
      const GroupMetadata m = GroupMetadata::from_v3_json(document);
      EXPECT_EQ(m.attributes, facts["attributes"]);
      EXPECT_EQ(m.to_v3_json(), document);
      ++checked;
    } else if (entry["kind"] == "v2_group") {
      const GroupMetadata m = GroupMetadata::from_v2_json(ReadDocument(entry["file"]),
                                                          ReadDocument(entry["attributes_file"]));
      EXPECT_EQ(m.zarr_format, 2);
      EXPECT_EQ(m.attributes, facts["attributes"]);
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2);
}

}  // namespace
}  // namespace zarrphase

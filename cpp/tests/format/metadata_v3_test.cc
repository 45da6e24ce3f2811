#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "support/expect_error.h"
#include "zarrphase/metadata.h"

namespace zarrphase {
namespace {

using nlohmann::json;
using testing::ExpectError;

// What zarr-python 3.4.2 writes for create_array(shape=(4, 5), chunks=(2, 2), dtype="float64",
// fill_value=np.nan).
constexpr const char* kFloat64Nan = R"({
  "shape": [4, 5],
  "data_type": "float64",
  "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2, 2]}},
  "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
  "fill_value": "NaN",
  "codecs": [
    {"name": "bytes", "configuration": {"endian": "little"}},
    {"name": "zstd", "configuration": {"level": 0, "checksum": false}}
  ],
  "attributes": {},
  "zarr_format": 3,
  "node_type": "array",
  "storage_transformers": []
})";

json Base() { return json::parse(kFloat64Nan); }

json With(const std::string& key, json value) {
  json document = Base();
  document[key] = std::move(value);
  return document;
}

json Without(const std::string& key) {
  json document = Base();
  document.erase(key);
  return document;
}

TEST(ArrayMetadataV3Test, ParsesZarrPythonDocument) {
  const ArrayMetadata m = ArrayMetadata::from_v3_json(Base());
  EXPECT_EQ(m.zarr_format, 3);
  EXPECT_EQ(m.shape, (std::vector<uint64_t>{4, 5}));
  EXPECT_EQ(m.chunk_shape, (std::vector<uint64_t>{2, 2}));
  EXPECT_EQ(m.data_type, DataType::float_(8));
  EXPECT_EQ(m.chunk_key_encoding, ChunkKeyEncoding{});
  uint64_t fill_bits = 0;
  std::memcpy(&fill_bits, m.fill_value.bytes().data(), sizeof(fill_bits));
  EXPECT_EQ(fill_bits, 0x7ff8000000000000u);
  EXPECT_EQ(m.codecs.size(), 2u);
  EXPECT_EQ(m.rank(), 2u);
  EXPECT_FALSE(m.dimension_names.has_value());
  EXPECT_EQ(m.to_v3_json(), Base());
}

TEST(ArrayMetadataV3Test, ChunkSpecAndGridShape) {
  json document = Base();
  document["shape"] = {5, 0, 18446744073709551615u};
  document["chunk_grid"]["configuration"]["chunk_shape"] = {2, 3, 4096};
  const ArrayMetadata m = ArrayMetadata::from_v3_json(document);
  EXPECT_EQ(m.grid_shape(), (std::vector<uint64_t>{3, 0, 4503599627370496u}));
  const ChunkSpec spec = m.chunk_spec();
  EXPECT_EQ(spec.dtype, DataType::float_(8));
  EXPECT_EQ(spec.shape, (std::vector<uint64_t>{2, 3, 4096}));
  EXPECT_EQ(spec.fill_value, m.fill_value);
  EXPECT_EQ(spec.num_bytes(), 2u * 3 * 4096 * 8);
}

TEST(ArrayMetadataV3Test, RankZero) {
  json document = With("shape", json::array());
  document["chunk_grid"]["configuration"]["chunk_shape"] = json::array();
  const ArrayMetadata m = ArrayMetadata::from_v3_json(document);
  EXPECT_EQ(m.rank(), 0u);
  EXPECT_TRUE(m.grid_shape().empty());
  EXPECT_EQ(m.chunk_key_encoding.encode(m.grid_shape()), "c");
  EXPECT_EQ(m.chunk_spec().num_elements(), 1u);
}

TEST(ArrayMetadataV3Test, AttributesDimensionNamesAndExtensionsRoundTrip) {
  json document = Base();
  document["attributes"] = {{"units", "m"}, {"nested", {{"a", json::array({1, 2.5})}}}};
  document["dimension_names"] = {"y", nullptr};
  document["my_extension"] = {{"must_understand", false}, {"payload", 7}};
  const ArrayMetadata m = ArrayMetadata::from_v3_json(document);
  ASSERT_TRUE(m.dimension_names.has_value());
  EXPECT_EQ((*m.dimension_names)[0], "y");
  EXPECT_FALSE((*m.dimension_names)[1].has_value());
  EXPECT_EQ(m.extra_fields["my_extension"]["payload"], 7);
  EXPECT_EQ(m.to_v3_json(), document);
  // dimension_names: null is the same as absent, and zarr-python then omits it.
  EXPECT_EQ(ArrayMetadata::from_v3_json(With("dimension_names", nullptr)).to_v3_json(), Base());
}

TEST(ArrayMetadataV3Test, OptionalFieldsMayBeAbsent) {
  json document = Base();
  document.erase("attributes");
  document.erase("storage_transformers");
  EXPECT_EQ(ArrayMetadata::from_v3_json(document).to_v3_json(), Base());
}

TEST(ArrayMetadataV3Test, CodecsAreNormalisedToWhatZarrPythonWritesBack) {
  json document = Base();
  document["data_type"] = "uint8";
  document["fill_value"] = 0;
  document["codecs"] = json::parse(R"([
    {"name": "bytes", "configuration": {"endian": "big"}},
    "crc32c",
    {"name": "zstd", "configuration": {"level": 1, "checksum": false}, "must_understand": true}
  ])");
  const ArrayMetadata m = ArrayMetadata::from_v3_json(document);
  EXPECT_EQ(m.codecs, json::parse(R"([
    {"name": "bytes"},
    {"name": "crc32c"},
    {"name": "zstd", "configuration": {"level": 1, "checksum": false}}
  ])"));
  document["codecs"] = json::parse(R"([{"name": "sharding_indexed", "configuration": {
    "chunk_shape": [1, 1],
    "codecs": ["bytes", {"name": "crc32c", "configuration": {}}],
    "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, "crc32c"],
    "index_location": "end"}}])");
  EXPECT_EQ(ArrayMetadata::from_v3_json(document).codecs, json::parse(R"([
    {"name": "sharding_indexed", "configuration": {
      "chunk_shape": [1, 1],
      "codecs": [{"name": "bytes"}, {"name": "crc32c"}],
      "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}},
                       {"name": "crc32c"}],
      "index_location": "end"}}])"));
}

TEST(ArrayMetadataV3Test, MalformedDocumentsNameTheField) {
  const struct {
    const char* label;
    json document;
    ErrorCode code;
    std::vector<std::string_view> fragments;
  } cases[] = {
      {"not an object", json::array(), ErrorCode::kInvalidMetadata, {"zarr.json", "[]"}},
      {"zarr_format 2", With("zarr_format", 2), ErrorCode::kInvalidMetadata, {"zarr_format", "2"}},
      {"no zarr_format", Without("zarr_format"), ErrorCode::kInvalidMetadata, {"zarr_format"}},
      {"group node",
       With("node_type", "group"),
       ErrorCode::kInvalidMetadata,
       {"node_type", "group"}},
      {"no shape", Without("shape"), ErrorCode::kInvalidMetadata, {"shape"}},
      {"negative extent", With("shape", {4, -5}), ErrorCode::kInvalidMetadata, {"shape[1]", "-5"}},
      {"fractional extent",
       With("shape", {4.5, 5}),
       ErrorCode::kInvalidMetadata,
       {"shape[0]", "4.5"}},
      {"shape not array", With("shape", "4,5"), ErrorCode::kInvalidMetadata, {"shape", "4,5"}},
      {"rank mismatch",
       With("shape", {4, 5, 6}),
       ErrorCode::kInvalidMetadata,
       {"chunk shape", "2", "3"}},
      {"zero chunk",
       With("chunk_grid", json::parse(
                              R"({"name": "regular",
                                                "configuration": {"chunk_shape": [2, 0]}})")),
       ErrorCode::kInvalidMetadata,
       {"chunk shape[1]", "0"}},
      {"chunk too large",
       With("chunk_grid", json::parse(
                              R"({"name": "regular", "configuration":
                                                     {"chunk_shape": [4294967296, 4294967296]}})")),
       ErrorCode::kInvalidMetadata,
       {"chunk shape", "64 bits"}},
      {"grid without chunk_shape",
       With("chunk_grid", {{"name", "regular"}, {"configuration", json::object()}}),
       ErrorCode::kInvalidMetadata,
       {"chunk_grid", "chunk_shape"}},
      {"grid without configuration",
       With("chunk_grid", {{"name", "regular"}}),
       ErrorCode::kInvalidMetadata,
       {"chunk_grid", "chunk_shape"}},
      {"rectilinear grid",
       With("chunk_grid", {{"name", "rectilinear"}, {"configuration", json::object()}}),
       ErrorCode::kUnsupported,
       {"chunk_grid", "rectilinear"}},
      {"ignorable grid still understood",
       With("chunk_grid", {{"name", "fancy"}, {"must_understand", false}}),
       ErrorCode::kUnsupported,
       {"chunk_grid", "fancy"}},
      {"bad data_type",
       With("data_type", "float128x"),
       ErrorCode::kUnsupported,
       {"data_type", "float128x"}},
      {"ignorable data_type still understood",
       With("data_type", {{"name", "float128x"}, {"must_understand", false}}),
       ErrorCode::kUnsupported,
       {"data_type", "float128x"}},
      {"string data_type", With("data_type", "string"), ErrorCode::kUnsupported, {"string"}},
      {"no fill_value", Without("fill_value"), ErrorCode::kInvalidMetadata, {"fill_value"}},
      {"null fill_value",
       With("fill_value", nullptr),
       ErrorCode::kInvalidMetadata,
       {"fill_value", "null"}},
      {"bad key encoding",
       With("chunk_key_encoding", {{"name", "default"}, {"configuration", {{"separator", "|"}}}}),
       ErrorCode::kInvalidMetadata,
       {"chunk_key_encoding", "separator", "\"|\""}},
      {"ignorable key encoding still understood",
       With("chunk_key_encoding", {{"name", "fancy"}, {"must_understand", false}}),
       ErrorCode::kUnsupported,
       {"chunk_key_encoding", "fancy"}},
      {"no codecs", Without("codecs"), ErrorCode::kInvalidMetadata, {"codecs"}},
      {"empty codecs", With("codecs", json::array()), ErrorCode::kInvalidMetadata, {"codecs"}},
      {"codec without name",
       With("codecs", json::array({{{"configuration", json::object()}}})),
       ErrorCode::kInvalidMetadata,
       {"codecs[0]", "name"}},
      {"codec with bad configuration",
       With("codecs", json::array({{{"name", "bytes"}, {"configuration", 1}}})),
       ErrorCode::kInvalidMetadata,
       {"codecs[0]", "configuration"}},
      {"attributes not object",
       With("attributes", json::array()),
       ErrorCode::kInvalidMetadata,
       {"attributes", "[]"}},
      {"dimension names length",
       With("dimension_names", {"x"}),
       ErrorCode::kInvalidMetadata,
       {"dimension_names", "1", "2"}},
      {"dimension name type",
       With("dimension_names", {"x", 3}),
       ErrorCode::kInvalidMetadata,
       {"dimension_names[1]", "3"}},
      {"storage transformers",
       With("storage_transformers", json::array({{{"name", "t"}}})),
       ErrorCode::kUnsupported,
       {"storage_transformers"}},
      {"storage transformers type",
       With("storage_transformers", 1),
       ErrorCode::kInvalidMetadata,
       {"storage_transformers", "1"}},
      {"unknown plain field", With("foo", 1), ErrorCode::kInvalidMetadata, {"foo", "1"}},
      {"extension that must be understood",
       With("foo", {{"must_understand", true}}),
       ErrorCode::kUnsupported,
       {"foo", "must_understand"}},
      {"extension without flag", With("foo", {{"x", 1}}), ErrorCode::kUnsupported, {"foo"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    try {
      ArrayMetadata::from_v3_json(c.document);
      ADD_FAILURE() << "no error";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), c.code) << error.what();
      for (const auto fragment : c.fragments) {
        EXPECT_NE(error.message().find(fragment), std::string::npos)
            << "message \"" << error.message() << "\" lacks \"" << fragment << "\"";
      }
    }
  }
}

TEST(ParseJsonTest, SyntaxErrorsNameTheDocument) {
  EXPECT_EQ(parse_json(R"({"a": [1, 2]})", "zarr.json")["a"][1], 2);
  ExpectError([] { parse_json("{\"a\": ", "array/zarr.json"); }, ErrorCode::kInvalidMetadata,
              {"array/zarr.json", "not valid JSON"});
  ExpectError([] { parse_json("", ".zarray"); }, ErrorCode::kInvalidMetadata, {".zarray"});
  ExpectError([] { parse_json("{\"fill_value\": NaN}", "zarr.json"); }, ErrorCode::kInvalidMetadata,
              {"zarr.json"});
  ExpectError([] { parse_json(std::string(100000, '['), "deep.json"); },
              ErrorCode::kInvalidMetadata, {"deep.json", "deeper"});
  // Integers keep their exact 64-bit value.
  EXPECT_EQ(parse_json("[18446744073709551615, -9223372036854775808]", "x")[0].get<uint64_t>(),
            18446744073709551615u);
}

TEST(GroupMetadataV3Test, ParsesAndWritesGroups) {
  const json document = json::parse(R"({
    "attributes": {"title": "root"}, "zarr_format": 3, "node_type": "group",
    "consolidated_metadata": {"kind": "inline", "must_understand": false, "metadata": {}}})");
  const GroupMetadata m = GroupMetadata::from_v3_json(document);
  EXPECT_EQ(m.attributes["title"], "root");
  EXPECT_EQ(m.to_v3_json(), document);
  const json bare = json::parse(R"({"zarr_format": 3, "node_type": "group"})");
  EXPECT_EQ(GroupMetadata::from_v3_json(bare).to_v3_json(),
            json::parse(R"({"attributes": {}, "zarr_format": 3, "node_type": "group"})"));
  ExpectError([] { GroupMetadata::from_v3_json(Base()); }, ErrorCode::kInvalidMetadata,
              {"node_type", "array"});
  ExpectError(
      [] {
        GroupMetadata::from_v3_json(
            json::parse(R"({"zarr_format": 3, "node_type": "group", "attributes": 5})"));
      },
      ErrorCode::kInvalidMetadata, {"attributes", "5"});
  ExpectError(
      [] {
        GroupMetadata::from_v3_json(
            json::parse(R"({"zarr_format": 3, "node_type": "group", "x": {}})"));
      },
      ErrorCode::kUnsupported, {"\"x\""});
}

}  // namespace
}  // namespace zarrphase

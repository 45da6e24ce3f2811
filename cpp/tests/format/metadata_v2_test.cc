#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "support/expect_error.h"
#include "zarrphase/metadata.h"

namespace zarrphase {
namespace {

using nlohmann::json;
using testing::ExpectError;

// What zarr-python 3.4.2 writes for create_array(zarr_format=2, shape=(4, 3), chunks=(2, 2),
// dtype=">i4", fill_value=None, order="F", compressors=numcodecs.Zlib(level=3)).
json Base() {
  return json::parse(R"({"shape": [4, 3], "chunks": [2, 2], "dtype": ">i4", "fill_value": null,
    "order": "F", "filters": null, "dimension_separator": ".",
    "compressor": {"id": "zlib", "level": 3}, "zarr_format": 2})");
}

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

TEST(ArrayMetadataV2Test, BecomesTheEquivalentV3Chain) {
  const ArrayMetadata m = ArrayMetadata::from_v2_json(Base(), {{"title", "t"}});
  EXPECT_EQ(m.zarr_format, 2);
  EXPECT_EQ(m.shape, (std::vector<uint64_t>{4, 3}));
  EXPECT_EQ(m.chunk_shape, (std::vector<uint64_t>{2, 2}));
  EXPECT_EQ(m.data_type, DataType::int_(4));
  EXPECT_TRUE(m.fill_value.is_zero());
  EXPECT_EQ(m.attributes["title"], "t");
  EXPECT_EQ(m.chunk_key_encoding, (ChunkKeyEncoding{ChunkKeyEncoding::Kind::kV2, '.'}));
  EXPECT_EQ(m.codecs, json::parse(R"([
    {"name": "transpose", "configuration": {"order": [1, 0]}},
    {"name": "bytes", "configuration": {"endian": "big"}},
    {"name": "numcodecs.zlib", "configuration": {"level": 3}}])"));
  const std::vector<uint64_t> coords = {1, 0};
  EXPECT_EQ(m.chunk_key_encoding.encode(coords), "1.0");
}

TEST(ArrayMetadataV2Test, EachCompressorBecomesItsNumcodecsCodec) {
  const struct {
    json compressor;
    json codec;
  } cases[] = {
      {json::parse(R"({"id": "gzip", "level": 5})"),
       json::parse(R"({"name": "numcodecs.gzip", "configuration": {"level": 5}})")},
      {json::parse(R"({"id": "zstd", "level": 3, "checksum": true})"),
       json::parse(
           R"({"name": "numcodecs.zstd", "configuration": {"level": 3, "checksum": true}})")},
      {json::parse(R"({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0})"),
       json::parse(R"({"name": "numcodecs.blosc", "configuration":
                       {"cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}})")},
      {json::parse(R"({"id": "lz4", "acceleration": 1})"),
       json::parse(R"({"name": "numcodecs.lz4", "configuration": {"acceleration": 1}})")},
      {json::parse(R"({"id": "zlib", "level": 1})"),
       json::parse(R"({"name": "numcodecs.zlib", "configuration": {"level": 1}})")},
  };
  for (const auto& c : cases) {
    json document = With("compressor", c.compressor);
    document["order"] = "C";
    const ArrayMetadata m = ArrayMetadata::from_v2_json(document);
    ASSERT_EQ(m.codecs.size(), 2u);
    EXPECT_EQ(m.codecs[1], c.codec);
  }
}

TEST(ArrayMetadataV2Test, OneByteTypesGetBytesWithoutEndian) {
  json document = With("dtype", "|u1");
  document["order"] = "C";
  document["compressor"] = nullptr;
  document["fill_value"] = 7;
  const ArrayMetadata m = ArrayMetadata::from_v2_json(document);
  EXPECT_EQ(m.codecs, json::parse(R"([{"name": "bytes"}])"));
  EXPECT_EQ(m.fill_value.to_json(m.data_type), 7);
}

TEST(ArrayMetadataV2Test, FillValuesAndSeparators) {
  json document = With("dtype", "|V3");
  document["fill_value"] = "YWJj";
  document["dimension_separator"] = "/";
  const ArrayMetadata raw = ArrayMetadata::from_v2_json(document);
  EXPECT_EQ(raw.data_type, DataType::raw_bits(3));
  EXPECT_EQ(raw.fill_value.to_json(raw.data_type), "YWJj");
  EXPECT_EQ(raw.chunk_key_encoding, (ChunkKeyEncoding{ChunkKeyEncoding::Kind::kV2, '/'}));

  document = With("dtype", "<f8");
  document["fill_value"] = "NaN";
  document.erase("dimension_separator");  // older writers omit it: "."
  const ArrayMetadata nan = ArrayMetadata::from_v2_json(document);
  EXPECT_EQ(nan.fill_value.to_json(nan.data_type), "NaN");
  EXPECT_EQ(nan.chunk_key_encoding.separator, '.');
  EXPECT_EQ(nan.codecs[1],
            json::parse(R"({"name": "bytes", "configuration": {"endian": "little"}})"));

  document = With("shape", json::array());
  document["chunks"] = json::array();
  document["dtype"] = "<u8";
  document["fill_value"] = 18446744073709551615u;
  const ArrayMetadata scalar = ArrayMetadata::from_v2_json(document);
  EXPECT_EQ(scalar.chunk_key_encoding.encode(scalar.grid_shape()), "0");
  EXPECT_EQ(scalar.fill_value.to_json(scalar.data_type), 18446744073709551615u);
  // Fortran order of rank 0 is an empty transpose, as zarr-python's migration writes it.
  EXPECT_EQ(scalar.codecs[0],
            json::parse(R"({"name": "transpose", "configuration": {"order": []}})"));
}

TEST(ArrayMetadataV2Test, ToV3JsonIsTheMigratedDocument) {
  const json v3 = ArrayMetadata::from_v2_json(Base(), {{"a", 1}}).to_v3_json();
  EXPECT_EQ(v3["zarr_format"], 3);
  EXPECT_EQ(v3["node_type"], "array");
  EXPECT_EQ(v3["data_type"], "int32");
  EXPECT_EQ(v3["fill_value"], 0);
  EXPECT_EQ(v3["attributes"]["a"], 1);
  EXPECT_EQ(v3["chunk_key_encoding"],
            json::parse(R"({"name": "v2", "configuration": {"separator": "."}})"));
  const ArrayMetadata again = ArrayMetadata::from_v3_json(v3);
  EXPECT_EQ(again.codecs, ArrayMetadata::from_v2_json(Base()).codecs);
}

TEST(ArrayMetadataV2Test, MalformedAndUnsupportedDocuments) {
  const struct {
    const char* label;
    json document;
    ErrorCode code;
    std::vector<std::string_view> fragments;
  } cases[] = {
      {"not an object", json("x"), ErrorCode::kInvalidMetadata, {".zarray"}},
      {"zarr_format 3", With("zarr_format", 3), ErrorCode::kInvalidMetadata, {"zarr_format", "3"}},
      {"chunks missing", Without("chunks"), ErrorCode::kInvalidMetadata, {".zarray", "chunks"}},
      {"negative chunk", With("chunks", {2, -2}), ErrorCode::kInvalidMetadata, {"chunks[1]", "-2"}},
      {"zero chunk", With("chunks", {2, 0}), ErrorCode::kInvalidMetadata, {"chunk shape[1]"}},
      {"rank mismatch", With("chunks", {2}), ErrorCode::kInvalidMetadata, {"chunk shape", "1"}},
      {"dtype typo", With("dtype", ">q4"), ErrorCode::kInvalidMetadata, {"dtype", ">q4"}},
      {"dtype number", With("dtype", 4), ErrorCode::kInvalidMetadata, {"dtype", "4"}},
      {"string dtype", With("dtype", "<U8"), ErrorCode::kUnsupported, {"<U8"}},
      {"structured dtype",
       With("dtype", json::parse(R"([["a", "<i4"]])")),
       ErrorCode::kUnsupported,
       {"structured"}},
      {"order", With("order", "K"), ErrorCode::kInvalidMetadata, {"order", "K"}},
      {"filters",
       With("filters", json::parse(R"([{"id": "delta", "dtype": "<i4"}])")),
       ErrorCode::kUnsupported,
       {"filters", "delta"}},
      {"filters type", With("filters", 3), ErrorCode::kInvalidMetadata, {"filters", "3"}},
      {"unknown compressor",
       With("compressor", {{"id", "bz2"}}),
       ErrorCode::kUnsupported,
       {"compressor", "bz2"}},
      {"compressor without id",
       With("compressor", {{"level", 1}}),
       ErrorCode::kInvalidMetadata,
       {"compressor", "id"}},
      {"separator",
       With("dimension_separator", "-"),
       ErrorCode::kInvalidMetadata,
       {"dimension_separator", "-"}},
      {"fill out of range",
       With("fill_value", 1e10),
       ErrorCode::kInvalidMetadata,
       {"fill_value", "int32"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    try {
      ArrayMetadata::from_v2_json(c.document);
      ADD_FAILURE() << "no error";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), c.code) << error.what();
      for (const auto fragment : c.fragments) {
        EXPECT_NE(error.message().find(fragment), std::string::npos)
            << "message \"" << error.message() << "\" lacks \"" << fragment << "\"";
      }
    }
  }
  ExpectError([] { ArrayMetadata::from_v2_json(Base(), json::array()); },
              ErrorCode::kInvalidMetadata, {"attributes"});
}

TEST(GroupMetadataV2Test, ParsesZgroup) {
  const GroupMetadata m =
      GroupMetadata::from_v2_json(json::parse(R"({"zarr_format": 2})"), {{"title", "root"}});
  EXPECT_EQ(m.zarr_format, 2);
  EXPECT_EQ(m.to_v3_json(), json::parse(R"({"attributes": {"title": "root"}, "zarr_format": 3,
                                             "node_type": "group"})"));
  ExpectError([] { GroupMetadata::from_v2_json(json::parse(R"({"zarr_format": 3})")); },
              ErrorCode::kInvalidMetadata, {"zarr_format", "3"});
  ExpectError([] { GroupMetadata::from_v2_json(json::object()); }, ErrorCode::kInvalidMetadata,
              {".zgroup", "zarr_format"});
}

}  // namespace
}  // namespace zarrphase

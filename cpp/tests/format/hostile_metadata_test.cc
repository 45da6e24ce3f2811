// Every field of a valid document replaced by values of every JSON type: parsing either succeeds
// or throws zarrphase::Error (never a nlohmann exception, never a crash).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "zarrphase/error.h"
#include "zarrphase/metadata.h"

namespace zarrphase {
namespace {

using nlohmann::json;

std::vector<json> HostileValues() {
  return {nullptr,
          true,
          -1,
          0,
          1.5,
          18446744073709551615u,
          -9223372036854775807 - 1,
          1e308,
          "x",
          "",
          "NaN",
          "0x7ff8",
          std::string("\xff\xfe", 2),  // invalid UTF-8 must not break error messages
          json::array(),
          json::array({nullptr}),
          json::array({1, 2, 3}),
          json::object(),
          {{"name", 5}},
          {{"name", "regular"}, {"configuration", {{"chunk_shape", {-1}}}}},
          {{"must_understand", false}}};
}

// Replaces the value at `pointer` in `document` by each hostile value and parses the result.
template <typename Parse>
void MutateAndParse(const json& document, const std::vector<json::json_pointer>& pointers,
                    Parse parse) {
  for (const auto& pointer : pointers) {
    for (const json& value : HostileValues()) {
      json mutated = document;
      mutated[pointer] = value;
      SCOPED_TRACE(pointer.to_string() + " = " +
                   value.dump(-1, ' ', false, json::error_handler_t::replace));
      try {
        parse(mutated);
      } catch (const Error&) {
        // The only acceptable failure.
      } catch (const std::exception& other) {
        ADD_FAILURE() << "non-zarrphase exception: " << other.what();
      }
    }
  }
}

std::vector<json::json_pointer> Pointers(std::initializer_list<const char*> paths) {
  std::vector<json::json_pointer> out;
  for (const char* path : paths) out.emplace_back(path);
  return out;
}

TEST(HostileMetadataTest, V3ArrayFields) {
  const json document = json::parse(R"({
    "shape": [4, 5], "data_type": "float32",
    "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2, 2]}},
    "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
    "fill_value": 0.5,
    "codecs": [{"name": "sharding_indexed", "configuration": {"chunk_shape": [1, 1],
               "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
               "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}]}}],
    "attributes": {}, "dimension_names": ["a", "b"], "zarr_format": 3, "node_type": "array",
    "storage_transformers": []})");
  MutateAndParse(document,
                 Pointers({"",
                           "/shape",
                           "/shape/0",
                           "/data_type",
                           "/chunk_grid",
                           "/chunk_grid/name",
                           "/chunk_grid/configuration",
                           "/chunk_grid/configuration/chunk_shape",
                           "/chunk_grid/configuration/chunk_shape/1",
                           "/chunk_key_encoding",
                           "/chunk_key_encoding/configuration",
                           "/chunk_key_encoding/configuration/separator",
                           "/fill_value",
                           "/codecs",
                           "/codecs/0",
                           "/codecs/0/name",
                           "/codecs/0/configuration",
                           "/codecs/0/configuration/codecs",
                           "/codecs/0/configuration/codecs/0",
                           "/codecs/0/configuration/index_codecs",
                           "/attributes",
                           "/dimension_names",
                           "/dimension_names/1",
                           "/zarr_format",
                           "/node_type",
                           "/storage_transformers",
                           "/extension"}),
                 [](const json& d) { (void)ArrayMetadata::from_v3_json(d).to_v3_json(); });
  for (const char* dtype : {"complex64", "float16", "bool", "uint64", "int8"}) {
    json typed = document;
    typed["data_type"] = dtype;
    MutateAndParse(typed, Pointers({"/fill_value"}),
                   [](const json& d) { (void)ArrayMetadata::from_v3_json(d).to_v3_json(); });
  }
  json raw = document;
  raw["data_type"] = {{"name", "raw_bytes"}, {"configuration", {{"length_bytes", 2}}}};
  raw["fill_value"] = "AAA=";
  MutateAndParse(raw,
                 Pointers({"/fill_value", "/data_type/configuration",
                           "/data_type/configuration/length_bytes"}),
                 [](const json& d) { (void)ArrayMetadata::from_v3_json(d).to_v3_json(); });
}

TEST(HostileMetadataTest, V2ArrayAndGroupFields) {
  const json zarray = json::parse(R"({"shape": [4, 3], "chunks": [2, 2], "dtype": "<c8",
    "fill_value": [1.0, "NaN"], "order": "F", "filters": null, "dimension_separator": ".",
    "compressor": {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0},
    "zarr_format": 2})");
  MutateAndParse(zarray,
                 Pointers({"", "/shape", "/chunks", "/chunks/0", "/dtype", "/fill_value",
                           "/fill_value/1", "/order", "/filters", "/dimension_separator",
                           "/compressor", "/compressor/id", "/zarr_format"}),
                 [](const json& d) { (void)ArrayMetadata::from_v2_json(d).to_v3_json(); });
  const json group = json::parse(R"({"zarr_format": 3, "node_type": "group", "attributes": {}})");
  MutateAndParse(group, Pointers({"", "/zarr_format", "/node_type", "/attributes", "/other"}),
                 [](const json& d) { (void)GroupMetadata::from_v3_json(d).to_v3_json(); });
  MutateAndParse(json::parse(R"({"zarr_format": 2})"), Pointers({"", "/zarr_format"}),
                 [](const json& d) { (void)GroupMetadata::from_v2_json(d); });
}

TEST(HostileMetadataTest, TruncatedJsonTextIsInvalidMetadata) {
  const std::string text =
      R"({"shape": [4], "data_type": "int8", "chunk_grid": {"name": "regular",)"
      R"( "configuration": {"chunk_shape": [2]}}, "fill_value": -1})";
  for (size_t length = 0; length < text.size(); ++length) {
    try {
      parse_json(std::string_view(text).substr(0, length), "zarr.json");
      ADD_FAILURE() << "truncated at " << length << " parsed";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kInvalidMetadata);
    }
  }
}

}  // namespace
}  // namespace zarrphase

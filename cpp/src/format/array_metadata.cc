// ArrayMetadata: the Zarr v3 zarr.json document, and what every array must satisfy.
#include <string>

#include "format/json_util.h"
#include "format/metadata_internal.h"
#include "zarrphase/error.h"
#include "zarrphase/metadata.h"

namespace zarrphase {
namespace {

using Json = nlohmann::json;

// The fields the v3 core spec defines for an array; anything else is an extension field.
constexpr std::string_view kArrayFields[] = {
    "zarr_format",        "node_type",  "shape",  "data_type",  "chunk_grid",
    "chunk_key_encoding", "fill_value", "codecs", "attributes", "storage_transformers",
    "dimension_names",
};

bool is_array_field(std::string_view key) {
  for (auto field : kArrayFields) {
    if (field == key) return true;
  }
  return false;
}

std::vector<uint64_t> parse_regular_chunk_grid(const Json& value) {
  // chunk_grid must be understood even when it says "must_understand": false.
  const auto named = format::parse_named_configuration(value, "chunk_grid", false);
  if (named.name != "regular") {
    throw_unsupported("chunk_grid \"" + named.name + "\" is not supported (only \"regular\")");
  }
  format::check_configuration_members(named.configuration, {"chunk_shape"},
                                      "chunk_grid \"regular\"");
  const auto chunk_shape = named.configuration.find("chunk_shape");
  if (chunk_shape == named.configuration.end()) {
    throw_invalid_metadata("chunk_grid \"regular\" needs configuration.chunk_shape");
  }
  return format::parse_uint64_array(*chunk_shape, "chunk_grid.configuration.chunk_shape");
}

std::optional<std::vector<std::optional<std::string>>> parse_dimension_names(const Json& value) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_array()) {
    throw_invalid_metadata("dimension_names must be an array of strings and nulls, got " +
                           format::describe(value));
  }
  std::vector<std::optional<std::string>> names;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i].is_string()) {
      names.emplace_back(value[i].get<std::string>());
    } else if (value[i].is_null()) {
      names.emplace_back(std::nullopt);
    } else {
      throw_invalid_metadata("dimension_names[" + std::to_string(i) +
                             "] must be a string or null, got " + format::describe(value[i]));
    }
  }
  return names;
}

void check_storage_transformers(const Json& value) {
  if (!value.is_array()) {
    throw_invalid_metadata("storage_transformers must be an array, got " + format::describe(value));
  }
  if (!value.empty()) {
    throw_unsupported("storage_transformers " + format::describe(value) +
                      " are not supported (only an empty list)");
  }
}

}  // namespace

namespace format {

const Json& require_member(const Json& document, std::string_view key,
                           std::string_view document_name) {
  const auto it = document.find(key);
  if (it == document.end()) {
    throw_invalid_metadata(std::string(document_name) + " has no \"" + std::string(key) + "\"");
  }
  return *it;
}

// Sorts a top-level field that is not part of the spec: an ignorable extension is kept, one that
// must be understood is unsupported, and a non-object is simply invalid.
void keep_extension_field(const std::string& key, const Json& value, Json& extra_fields) {
  if (is_ignorable_extension(value)) {
    extra_fields[key] = value;
  } else if (value.is_object()) {
    throw_unsupported("field \"" + key +
                      "\" is an extension zarrphase does not understand (it does not say "
                      "\"must_understand\": false)");
  } else {
    throw_invalid_metadata("unexpected field \"" + key + "\": " + describe(value) +
                           " (extension fields must be objects with \"must_understand\": false)");
  }
}

void validate_array_metadata(const ArrayMetadata& metadata) {
  if (metadata.chunk_shape.size() != metadata.shape.size()) {
    throw_invalid_metadata("chunk shape has " + std::to_string(metadata.chunk_shape.size()) +
                           " dimensions, shape has " + std::to_string(metadata.shape.size()));
  }
  for (size_t i = 0; i < metadata.chunk_shape.size(); ++i) {
    if (metadata.chunk_shape[i] == 0) {
      throw_invalid_metadata("chunk shape[" + std::to_string(i) + "] must be positive, got 0");
    }
  }
  try {
    (void)metadata.chunk_spec().num_bytes();
  } catch (const Error& error) {
    throw_invalid_metadata("chunk shape: " + error.message());
  }
  if (metadata.dimension_names && metadata.dimension_names->size() != metadata.rank()) {
    throw_invalid_metadata(
        "dimension_names has " + std::to_string(metadata.dimension_names->size()) +
        " entries, shape has " + std::to_string(metadata.rank()) + " dimensions");
  }
  if (!metadata.attributes.is_object()) {
    throw_invalid_metadata("attributes must be an object, got " + describe(metadata.attributes));
  }
}

void check_v3_header(const Json& document, std::string_view node_type) {
  if (!document.is_object()) {
    throw_invalid_metadata("zarr.json must be a JSON object, got " + describe(document));
  }
  const Json& zarr_format = require_member(document, "zarr_format", "zarr.json");
  if (zarr_format != 3) {
    throw_invalid_metadata("zarr_format must be 3, got " + describe(zarr_format));
  }
  const Json& type = require_member(document, "node_type", "zarr.json");
  if (type != node_type) {
    throw_invalid_metadata("node_type must be \"" + std::string(node_type) + "\", got " +
                           describe(type));
  }
}

}  // namespace format

ArrayMetadata ArrayMetadata::from_v3_json(const Json& document) {
  constexpr std::string_view kDoc = "zarr.json";
  format::check_v3_header(document, "array");
  ArrayMetadata m;
  m.zarr_format = 3;
  m.shape = format::parse_uint64_array(format::require_member(document, "shape", kDoc), "shape");
  m.data_type = DataType::from_v3_json(format::require_member(document, "data_type", kDoc));
  m.chunk_shape = parse_regular_chunk_grid(format::require_member(document, "chunk_grid", kDoc));
  m.chunk_key_encoding =
      ChunkKeyEncoding::from_json(format::require_member(document, "chunk_key_encoding", kDoc));
  m.fill_value =
      FillValue::from_json(format::require_member(document, "fill_value", kDoc), m.data_type);
  m.codecs = format::normalize_codecs(format::require_member(document, "codecs", kDoc), m.data_type,
                                      "codecs");
  for (const auto& [key, value] : document.items()) {
    if (key == "attributes") {
      m.attributes = value;  // checked to be an object by validate_array_metadata
    } else if (key == "storage_transformers") {
      check_storage_transformers(value);
    } else if (key == "dimension_names") {
      m.dimension_names = parse_dimension_names(value);
    } else if (!is_array_field(key)) {
      format::keep_extension_field(key, value, m.extra_fields);
    }
  }
  format::validate_array_metadata(m);
  return m;
}

Json ArrayMetadata::to_v3_json() const {
  // Built in zarr-python's field order, although nlohmann::json keeps its keys sorted.
  Json document = Json::object();
  document["shape"] = shape;
  document["data_type"] = data_type.to_v3_json();
  document["chunk_grid"] = {{"name", "regular"}, {"configuration", {{"chunk_shape", chunk_shape}}}};
  document["chunk_key_encoding"] = chunk_key_encoding.to_json();
  document["fill_value"] = fill_value.to_json(data_type);
  document["codecs"] = codecs;
  document["attributes"] = attributes;
  if (dimension_names) {
    Json names = Json::array();
    for (const auto& name : *dimension_names) names.push_back(name ? Json(*name) : Json(nullptr));
    document["dimension_names"] = std::move(names);
  }
  document["zarr_format"] = 3;
  document["node_type"] = "array";
  document["storage_transformers"] = Json::array();
  for (const auto& [key, value] : extra_fields.items()) document[key] = value;
  return document;
}

ChunkSpec ArrayMetadata::chunk_spec() const {
  return ChunkSpec{data_type, chunk_shape, fill_value};
}

std::vector<uint64_t> ArrayMetadata::grid_shape() const {
  if (chunk_shape.size() != shape.size()) {
    throw_invalid_argument("chunk shape has " + std::to_string(chunk_shape.size()) +
                           " dimensions, shape has " + std::to_string(shape.size()));
  }
  std::vector<uint64_t> grid(shape.size());
  for (size_t i = 0; i < shape.size(); ++i) {
    if (chunk_shape[i] == 0) {
      throw_invalid_argument("chunk shape[" + std::to_string(i) + "] must be positive, got 0");
    }
    // Written without shape + chunk - 1, which could overflow near 2^64.
    grid[i] = shape[i] / chunk_shape[i] + (shape[i] % chunk_shape[i] != 0 ? 1 : 0);
  }
  return grid;
}

}  // namespace zarrphase

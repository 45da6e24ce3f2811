// Zarr v2 .zarray -> ArrayMetadata: the v3 codec chain that means the same thing.
//
// Mirrors zarr-python's v2 -> v3 migration (zarr/metadata/migrate_v3.py) except that every
// compressor becomes its "numcodecs.<id>" codec, whose configuration is the numcodecs config
// verbatim, so the stored bytes are read by exactly the code that wrote them.
#include <string>

#include "format/json_util.h"
#include "format/metadata_internal.h"
#include "zarrphase/error.h"
#include "zarrphase/metadata.h"

namespace zarrphase {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kDoc = ".zarray";
constexpr std::string_view kCompressorIds[] = {"zlib", "gzip", "zstd", "blosc", "lz4"};

// Looks up an optional member; absent and null read the same.
const Json* optional_member(const Json& document, std::string_view key) {
  const auto it = document.find(key);
  return it == document.end() || it->is_null() ? nullptr : &*it;
}

Json compressor_codec(const Json& compressor) {
  if (!compressor.is_object() || !compressor.contains("id") || !compressor["id"].is_string()) {
    throw_invalid_metadata("compressor must be null or an object with a string \"id\", got " +
                           format::describe(compressor));
  }
  const std::string id = compressor["id"].get<std::string>();
  bool known = false;
  for (auto candidate : kCompressorIds) known = known || candidate == id;
  if (!known) throw_unsupported("compressor \"" + id + "\" is not supported");
  Json configuration = compressor;
  configuration.erase("id");
  return {{"name", "numcodecs." + id}, {"configuration", std::move(configuration)}};
}

void check_filters(const Json* filters) {
  if (filters == nullptr) return;
  if (!filters->is_array()) {
    throw_invalid_metadata("filters must be null or an array, got " + format::describe(*filters));
  }
  if (!filters->empty()) {
    throw_unsupported("filters " + format::describe(*filters) + " are not supported");
  }
}

}  // namespace

ArrayMetadata ArrayMetadata::from_v2_json(const Json& zarray, const Json& attributes) {
  if (!zarray.is_object()) {
    throw_invalid_metadata(".zarray must be a JSON object, got " + format::describe(zarray));
  }
  const Json& zarr_format = format::require_member(zarray, "zarr_format", kDoc);
  if (zarr_format != 2) {
    throw_invalid_metadata("zarr_format must be 2, got " + format::describe(zarr_format));
  }
  ArrayMetadata m;
  m.zarr_format = 2;
  m.shape = format::parse_uint64_array(format::require_member(zarray, "shape", kDoc), "shape");
  m.chunk_shape =
      format::parse_uint64_array(format::require_member(zarray, "chunks", kDoc), "chunks");

  const Json& dtype = format::require_member(zarray, "dtype", kDoc);
  if (dtype.is_array()) throw_unsupported("structured dtype " + format::describe(dtype));
  if (!dtype.is_string()) {
    throw_invalid_metadata("dtype must be a numpy type string, got " + format::describe(dtype));
  }
  Endian endian = Endian::kLittle;
  m.data_type = DataType::from_v2_typestr(dtype.get_ref<const std::string&>(), &endian);

  const Json* fill_value = optional_member(zarray, "fill_value");
  m.fill_value = FillValue::from_v2_json(fill_value ? *fill_value : Json(nullptr), m.data_type);

  const Json* order = optional_member(zarray, "order");
  if (order != nullptr && *order != "C" && *order != "F") {
    throw_invalid_metadata("order must be \"C\" or \"F\", got " + format::describe(*order));
  }
  check_filters(optional_member(zarray, "filters"));

  m.codecs = Json::array();
  if (order != nullptr && *order == "F") {
    // Fortran order is C order of the reversed axes (zarr-python adds it whatever the rank).
    Json axes = Json::array();
    for (size_t axis = m.shape.size(); axis-- > 0;) axes.push_back(axis);
    m.codecs.push_back({{"name", "transpose"}, {"configuration", {{"order", std::move(axes)}}}});
  }
  if (m.data_type.has_endianness()) {
    m.codecs.push_back(
        {{"name", "bytes"},
         {"configuration", {{"endian", endian == Endian::kBig ? "big" : "little"}}}});
  } else {
    m.codecs.push_back({{"name", "bytes"}});
  }
  if (const Json* compressor = optional_member(zarray, "compressor")) {
    m.codecs.push_back(compressor_codec(*compressor));
  }

  char separator = '.';
  if (const Json* dimension_separator = optional_member(zarray, "dimension_separator")) {
    if (*dimension_separator != "." && *dimension_separator != "/") {
      throw_invalid_metadata("dimension_separator must be \".\" or \"/\", got " +
                             format::describe(*dimension_separator));
    }
    separator = dimension_separator->get_ref<const std::string&>()[0];
  }
  m.chunk_key_encoding = ChunkKeyEncoding{ChunkKeyEncoding::Kind::kV2, separator};
  m.attributes = attributes;
  format::validate_array_metadata(m);
  return m;
}

}  // namespace zarrphase

// Normalising a v3 `codecs` array to the form zarr-python writes back. The codec layer parses
// and validates each codec's configuration; this only fixes the spelling so to_v3_json() matches
// zarr-python's documents.
#include <string>

#include "format/json_util.h"
#include "format/metadata_internal.h"
#include "zarrphase/error.h"

namespace zarrphase::format {
namespace {

using Json = nlohmann::json;

// sharding_indexed's index is an array of uint64 (offset, nbytes) pairs.
constexpr DataType kShardIndexType = DataType::uint(8);

Json normalize_codec(const Json& codec, DataType dtype, const std::string& field) {
  const auto named = parse_named_configuration(codec, field, /*allow_short_hand=*/true);
  Json configuration = named.configuration;
  if (named.name == "bytes" && !dtype.has_endianness()) {
    configuration.erase("endian");  // meaningless for one-byte types; zarr-python drops it
  }
  if (named.name == "sharding_indexed") {
    if (auto inner = configuration.find("codecs"); inner != configuration.end()) {
      *inner = normalize_codecs(*inner, dtype, field + ".configuration.codecs");
    }
    if (auto index = configuration.find("index_codecs"); index != configuration.end()) {
      *index = normalize_codecs(*index, kShardIndexType, field + ".configuration.index_codecs");
    }
  }
  Json out = {{"name", named.name}};
  if (!configuration.empty()) out["configuration"] = std::move(configuration);
  return out;
}

}  // namespace

Json normalize_codecs(const Json& codecs, DataType dtype, std::string_view field) {
  const std::string name(field);
  if (!codecs.is_array()) {
    throw_invalid_metadata(name + " must be an array of codecs, got " + describe(codecs));
  }
  if (codecs.empty()) {
    throw_invalid_metadata(name + " must hold at least the array->bytes codec, got []");
  }
  Json out = Json::array();
  for (size_t i = 0; i < codecs.size(); ++i) {
    out.push_back(normalize_codec(codecs[i], dtype, name + "[" + std::to_string(i) + "]"));
  }
  return out;
}

}  // namespace zarrphase::format

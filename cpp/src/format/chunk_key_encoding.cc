// Chunk key encodings of the Zarr v3 spec ("default") and of Zarr v2 ("v2").
#include <string>

#include "format/json_util.h"
#include "zarrphase/error.h"
#include "zarrphase/metadata.h"

namespace zarrphase {

std::string ChunkKeyEncoding::encode(std::span<const uint64_t> coords) const {
  std::string key;
  if (kind == Kind::kDefault) {
    key = "c";
    for (const uint64_t coord : coords) {
      key += separator;
      key += std::to_string(coord);
    }
    return key;
  }
  // v2: a rank-0 array keeps its only chunk at "0", as zarr-python writes it.
  if (coords.empty()) return "0";
  for (size_t i = 0; i < coords.size(); ++i) {
    if (i > 0) key += separator;
    key += std::to_string(coords[i]);
  }
  return key;
}

ChunkKeyEncoding ChunkKeyEncoding::from_json(const nlohmann::json& value) {
  // Must be understood even when it says "must_understand": false.
  const auto named = format::parse_named_configuration(value, "chunk_key_encoding", true);
  ChunkKeyEncoding out;
  if (named.name == "default") {
    out.kind = Kind::kDefault;
    out.separator = '/';
  } else if (named.name == "v2") {
    out.kind = Kind::kV2;
    out.separator = '.';
  } else {
    throw_unsupported("chunk_key_encoding \"" + named.name + "\" is not supported");
  }
  const std::string field = "chunk_key_encoding \"" + named.name + "\"";
  format::check_configuration_members(named.configuration, {"separator"}, field);
  const auto separator = named.configuration.find("separator");
  if (separator != named.configuration.end()) {
    if (*separator == "/" || *separator == ".") {
      out.separator = separator->get_ref<const std::string&>()[0];
    } else {
      throw_invalid_metadata(field + ": separator must be \"/\" or \".\", got " +
                             format::describe(*separator));
    }
  }
  return out;
}

nlohmann::json ChunkKeyEncoding::to_json() const {
  return {{"name", kind == Kind::kDefault ? "default" : "v2"},
          {"configuration", {{"separator", std::string(1, separator)}}}};
}

}  // namespace zarrphase

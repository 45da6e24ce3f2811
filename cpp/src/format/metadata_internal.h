// Pieces shared by the v3 and v2 metadata parsers.
#ifndef ZARRPHASE_FORMAT_METADATA_INTERNAL_H_
#define ZARRPHASE_FORMAT_METADATA_INTERNAL_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "zarrphase/metadata.h"

namespace zarrphase::format {

// The member `key` of `document`, or kInvalidMetadata naming `key` and `document_name`.
const nlohmann::json& require_member(const nlohmann::json& document, std::string_view key,
                                     std::string_view document_name);

// Checks what every v3 zarr.json starts with: a JSON object, zarr_format 3 and the expected
// node_type ("array" or "group"); kInvalidMetadata naming the field otherwise.
void check_v3_header(const nlohmann::json& document, std::string_view node_type);

// A top-level field the spec does not define: an object with "must_understand": false is kept in
// `extra_fields`; another object is an extension we do not understand (kUnsupported); anything
// else breaks the spec (kInvalidMetadata).
void keep_extension_field(const std::string& key, const nlohmann::json& value,
                          nlohmann::json& extra_fields);

// The `codecs` array with every entry in the form zarr-python writes it back: short-hand
// names become {"name": ...}, empty configurations are dropped (zarr-python writes
// {"name": "crc32c"}), `bytes` loses its "endian" for types without byte order (zarr-python
// writes {"name": "bytes"} for uint8), and sharding's inner chains get the same treatment.
nlohmann::json normalize_codecs(const nlohmann::json& codecs, DataType dtype,
                                std::string_view field);

// Checks what holds across fields: ranks agree, chunk extents are positive, a chunk's byte size
// fits in 64 bits, dimension_names has one entry per dimension.
void validate_array_metadata(const ArrayMetadata& metadata);

}  // namespace zarrphase::format

#endif  // ZARRPHASE_FORMAT_METADATA_INTERNAL_H_

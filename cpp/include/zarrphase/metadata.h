// zarrphase/metadata.h — array and group metadata: Zarr v3 zarr.json and Zarr v2 .zarray.
//
// Both versions parse into the same ArrayMetadata, so one engine runs both. A v2 array becomes
// the v3 chain that means the same thing: `order: "F"` is a transpose codec reversing the axes,
// the dtype's byte order is a `bytes` codec with that endian (no configuration for one-byte
// types, as zarr-python writes it), and the compressor (zlib, gzip, zstd, blosc, lz4) is the
// bytes->bytes codec "numcodecs.<id>" whose configuration is the numcodecs config minus "id".
// Non-empty v2 filters and other compressors raise kUnsupported.
//
// Parsing is strict, as the v3 spec requires: unknown top-level fields are errors unless they
// are objects with "must_understand": false (never for data_type, chunk_grid or
// chunk_key_encoding, which must be understood whatever they say); an unknown extension object
// that must be understood is kUnsupported, any other unknown field kInvalidMetadata; non-empty
// storage_transformers and non-regular chunk grids are kUnsupported. Errors name the field.
#ifndef ZARRPHASE_METADATA_H_
#define ZARRPHASE_METADATA_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zarrphase/codec.h"
#include "zarrphase/dtype.h"
#include "zarrphase/fill_value.h"

namespace zarrphase {

// How chunk grid coordinates become store keys.
struct ChunkKeyEncoding {
  enum class Kind : uint8_t { kDefault, kV2 };
  Kind kind = Kind::kDefault;
  char separator = '/';

  // Key of the chunk at `coords`, relative to the array's prefix:
  //   default "/": "c/1/2", rank 0: "c";   default ".": "c.1.2";   v2 ".": "1.2", rank 0: "0".
  std::string encode(std::span<const uint64_t> coords) const;

  static ChunkKeyEncoding from_json(const nlohmann::json& value);
  nlohmann::json to_json() const;
  friend bool operator==(const ChunkKeyEncoding&, const ChunkKeyEncoding&) = default;
};

struct ArrayMetadata {
  int zarr_format = 3;
  std::vector<uint64_t> shape;
  DataType data_type;
  std::vector<uint64_t> chunk_shape;  // the regular chunk grid's chunk shape
  ChunkKeyEncoding chunk_key_encoding;
  FillValue fill_value;
  // The codec chain in v3 form, each entry normalised to {"name", "configuration"}.
  nlohmann::json codecs = nlohmann::json::array();
  nlohmann::json attributes = nlohmann::json::object();
  // One entry per dimension, null for unnamed ones; absent when the document has none.
  std::optional<std::vector<std::optional<std::string>>> dimension_names;
  // Extension fields kept verbatim (objects with "must_understand": false), written back as read.
  nlohmann::json extra_fields = nlohmann::json::object();

  // Parses a v3 zarr.json document (node_type must be "array").
  static ArrayMetadata from_v3_json(const nlohmann::json& document);
  // Parses a v2 .zarray document; `attributes` is the .zattrs document if there is one.
  static ArrayMetadata from_v2_json(const nlohmann::json& zarray,
                                    const nlohmann::json& attributes = nlohmann::json::object());
  // The zarr.json document zarr-python 3.4.2 would write for this array: equal as parsed JSON
  // (nlohmann::json sorts keys, so the text's field order differs). Codecs are normalised as
  // zarr-python writes them back: short-hand names become {"name": ...}, empty configurations
  // are dropped, `bytes` of one-byte types has no configuration.
  nlohmann::json to_v3_json() const;

  size_t rank() const { return shape.size(); }
  // The spec of one whole chunk, as the codec chain sees it.
  ChunkSpec chunk_spec() const;
  // Number of chunks along each dimension (ceil(shape / chunk_shape)).
  std::vector<uint64_t> grid_shape() const;
};

struct GroupMetadata {
  int zarr_format = 3;
  nlohmann::json attributes = nlohmann::json::object();
  nlohmann::json extra_fields = nlohmann::json::object();

  static GroupMetadata from_v3_json(const nlohmann::json& document);
  // A v2 group: the .zgroup document and the .zattrs document if any.
  static GroupMetadata from_v2_json(const nlohmann::json& zgroup,
                                    const nlohmann::json& attributes = nlohmann::json::object());
  nlohmann::json to_v3_json() const;
};

// Parses JSON text, turning syntax errors into kInvalidMetadata naming `what` (e.g. "zarr.json").
nlohmann::json parse_json(std::string_view text, std::string_view what);

}  // namespace zarrphase

#endif  // ZARRPHASE_METADATA_H_

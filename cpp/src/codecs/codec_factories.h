// Internal: one factory per codec, each defined in that codec's own .cc file. The registry
// (codec_registry.cc) maps spec names to these. A factory parses and validates the codec's
// "configuration" object (an empty object when the JSON had none) and throws kInvalidMetadata
// naming the codec and the field on anything malformed.
#ifndef ZARRPHASE_CODECS_CODEC_FACTORIES_H_
#define ZARRPHASE_CODECS_CODEC_FACTORIES_H_

#include <memory>
#include <nlohmann/json.hpp>

#include "zarrphase/codec.h"

namespace zarrphase::codecs {

using Json = nlohmann::json;

// array -> array
std::shared_ptr<const Codec> make_transpose_codec(const Json& configuration);
// array -> bytes
std::shared_ptr<const Codec> make_bytes_codec(const Json& configuration);
std::shared_ptr<const Codec> make_sharding_codec(const Json& configuration);
// bytes -> bytes
std::shared_ptr<const Codec> make_crc32c_codec(const Json& configuration);
std::shared_ptr<const Codec> make_gzip_codec(const Json& configuration);
std::shared_ptr<const Codec> make_zstd_codec(const Json& configuration);
std::shared_ptr<const Codec> make_blosc_codec(const Json& configuration);
// Zarr v2 compressors as numcodecs writes them ("numcodecs.<id>" in v3 metadata).
std::shared_ptr<const Codec> make_numcodecs_zlib_codec(const Json& configuration);
std::shared_ptr<const Codec> make_numcodecs_gzip_codec(const Json& configuration);
std::shared_ptr<const Codec> make_numcodecs_zstd_codec(const Json& configuration);
std::shared_ptr<const Codec> make_numcodecs_blosc_codec(const Json& configuration);
std::shared_ptr<const Codec> make_numcodecs_lz4_codec(const Json& configuration);

}  // namespace zarrphase::codecs

#endif  // ZARRPHASE_CODECS_CODEC_FACTORIES_H_

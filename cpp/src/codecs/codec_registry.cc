// make_codec: spec name -> factory. Adding a codec is one line here plus its own file pair.
#include <string>
#include <string_view>

#include "codecs/codec_factories.h"
#include "zarrphase/error.h"

namespace zarrphase {
namespace {

using Factory = std::shared_ptr<const Codec> (*)(const nlohmann::json&);

struct Entry {
  std::string_view name;
  Factory factory;
};

constexpr Entry kRegistry[] = {
    {"transpose", codecs::make_transpose_codec},
    {"bytes", codecs::make_bytes_codec},
    {"sharding_indexed", codecs::make_sharding_codec},
    {"crc32c", codecs::make_crc32c_codec},
    {"gzip", codecs::make_gzip_codec},
    {"zstd", codecs::make_zstd_codec},
    {"blosc", codecs::make_blosc_codec},
    {"numcodecs.zlib", codecs::make_numcodecs_zlib_codec},
    {"numcodecs.gzip", codecs::make_numcodecs_gzip_codec},
    {"numcodecs.zstd", codecs::make_numcodecs_zstd_codec},
    {"numcodecs.blosc", codecs::make_numcodecs_blosc_codec},
    {"numcodecs.lz4", codecs::make_numcodecs_lz4_codec},
};

}  // namespace

std::shared_ptr<const Codec> make_codec(const nlohmann::json& codec_json) {
  std::string name;
  nlohmann::json configuration = nlohmann::json::object();
  if (codec_json.is_string()) {
    name = codec_json.get<std::string>();  // short-hand form: "crc32c"
  } else if (codec_json.is_object() && codec_json.contains("name") &&
             codec_json["name"].is_string()) {
    name = codec_json["name"].get<std::string>();
    for (const auto& [field, value] : codec_json.items()) {
      if (field == "configuration") {
        if (!value.is_object()) {
          throw_invalid_metadata("codec \"" + name + "\": configuration must be an object");
        }
        configuration = value;
      } else if (field != "name" &&
                 !(value.is_object() && value.value("must_understand", true) == false)) {
        throw_invalid_metadata("codec \"" + name + "\": unexpected field \"" + field + "\"");
      }
    }
  } else {
    throw_invalid_metadata("codec must be a name or an object with a \"name\", got " +
                           codec_json.dump());
  }
  for (const auto& entry : kRegistry) {
    if (entry.name == name) return entry.factory(configuration);
  }
  throw_unsupported("codec \"" + name + "\" is not supported");
}

}  // namespace zarrphase

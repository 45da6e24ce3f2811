#include "codecs/blosc_codec.h"

#include <blosc.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "codecs/codec_factories.h"
#include "codecs/compressor_config.h"
#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

constexpr std::string_view kShuffleNames[] = {"noshuffle", "shuffle", "bitshuffle"};

int shuffle_from_name(std::string_view name) {
  for (int i = 0; i < 3; ++i) {
    if (kShuffleNames[i] == name) return i;
  }
  return -1;  // unreachable: read_enum_field only returns listed names
}

}  // namespace

std::string_view BloscCodec::name() const {
  return options_.numcodecs ? "numcodecs.blosc" : "blosc";
}

nlohmann::json BloscCodec::to_json() const {
  nlohmann::json configuration = {
      {"cname", options_.cname}, {"clevel", options_.clevel}, {"blocksize", options_.blocksize}};
  if (options_.typesize) configuration["typesize"] = *options_.typesize;
  if (options_.shuffle) {
    if (options_.numcodecs) {
      configuration["shuffle"] = *options_.shuffle;
    } else {
      configuration["shuffle"] = std::string(kShuffleNames[*options_.shuffle]);
    }
  }
  return {{"name", name()}, {"configuration", std::move(configuration)}};
}

std::shared_ptr<const BytesToBytesCodec> BloscCodec::resolve(const ChunkSpec& decoded) const {
  BloscOptions resolved = options_;
  const int element_size = static_cast<int>(decoded.dtype.size());
  if (!resolved.typesize) resolved.typesize = element_size;
  if (!resolved.shuffle) {
    // zarr-python's BloscCodec.evolve_from_array_spec looks at the data type's size.
    resolved.shuffle = element_size == 1 ? BLOSC_BITSHUFFLE : BLOSC_SHUFFLE;
  } else if (*resolved.shuffle == -1) {
    // numcodecs' AUTOSHUFFLE looks at the item size it compresses with.
    resolved.shuffle = *resolved.typesize == 1 ? BLOSC_BITSHUFFLE : BLOSC_SHUFFLE;
  }
  return std::make_shared<BloscCodec>(std::move(resolved));
}

uint64_t BloscCodec::max_encoded_size(uint64_t decoded_size) const {
  // blosc stores a block it cannot shrink as a plain copy behind its 16-byte header.
  return saturating_add(decoded_size, BLOSC_MAX_OVERHEAD);
}

void BloscCodec::encode(ByteView in, Bytes& out) const {
  if (!options_.typesize || !options_.shuffle || *options_.shuffle < 0) {
    throw_invalid_argument(std::string(name()) + ": encode needs a codec resolved for an array");
  }
  if (in.size() > static_cast<size_t>(BLOSC_MAX_BUFFERSIZE)) {
    throw_invalid_argument(std::string(name()) + ": chunk of " + std::to_string(in.size()) +
                           " bytes exceeds blosc's limit of " +
                           std::to_string(BLOSC_MAX_BUFFERSIZE) + " bytes");
  }
  out.resize(in.size() + BLOSC_MAX_OVERHEAD);
  const int written = blosc_compress_ctx(
      options_.clevel, *options_.shuffle, static_cast<size_t>(*options_.typesize), in.size(),
      in.data(), out.data(), out.size(), options_.cname.c_str(),
      static_cast<size_t>(options_.blocksize), /*numinternalthreads=*/1);
  if (written <= 0) {
    throw_invalid_argument(std::string(name()) + ": blosc_compress_ctx failed with code " +
                           std::to_string(written) + " (cname \"" + options_.cname + "\")");
  }
  out.resize(static_cast<size_t>(written));
}

uint64_t BloscCodec::checked_decoded_size(ByteView in) const {
  if (in.size() < BLOSC_MIN_HEADER_LENGTH) {
    throw_corrupt_input(name(), "truncated: " + std::to_string(in.size()) +
                                    " bytes is shorter than the 16-byte blosc header");
  }
  size_t nbytes = 0;
  if (blosc_cbuffer_validate(in.data(), in.size(), &nbytes) != 0) {
    size_t declared_nbytes = 0;
    size_t declared_cbytes = 0;
    size_t blocksize = 0;
    blosc_cbuffer_sizes(in.data(), &declared_nbytes, &declared_cbytes, &blocksize);
    throw_corrupt_input(name(), "invalid header: declares " + std::to_string(declared_cbytes) +
                                    " compressed bytes (input has " + std::to_string(in.size()) +
                                    ") and " + std::to_string(declared_nbytes) + " decoded bytes");
  }
  return nbytes;
}

void BloscCodec::decompress(ByteView in, MutableByteView out) const {
  const int decoded = blosc_decompress_ctx(in.data(), out.data(), out.size(), 1);
  if (decoded < 0 || static_cast<size_t>(decoded) != out.size()) {
    throw_corrupt_input(name(), "corrupt blosc data (blosc_decompress_ctx returned " +
                                    std::to_string(decoded) + " for " + std::to_string(out.size()) +
                                    " declared bytes)");
  }
}

void BloscCodec::decode(ByteView in, uint64_t max_decoded_size, Bytes& out) const {
  const uint64_t nbytes = checked_decoded_size(in);
  if (nbytes > max_decoded_size) {
    throw_too_large(name(), "header declares a decoded size of", nbytes, max_decoded_size);
  }
  out.resize(static_cast<size_t>(nbytes));
  decompress(in, MutableByteView(out));
}

void BloscCodec::decode_into(ByteView in, MutableByteView out) const {
  const uint64_t nbytes = checked_decoded_size(in);
  if (nbytes != out.size()) throw_size_mismatch(name(), nbytes, out.size());
  decompress(in, out);
}

// zarr-python's BloscCodec: every field optional (cname "zstd", clevel 5, blocksize 0; typesize
// and shuffle from the data type).
std::shared_ptr<const Codec> make_blosc_codec(const Json& configuration) {
  constexpr std::string_view kName = "blosc";
  reject_unknown_fields(configuration, kName,
                        {"cname", "clevel", "shuffle", "typesize", "blocksize"});
  BloscOptions options;
  options.cname = read_enum_field(configuration, kName, "cname", "zstd",
                                  {"lz4", "lz4hc", "blosclz", "zstd", "zlib", "snappy"});
  options.clevel = read_int_field(configuration, kName, "clevel", 5, 0, 9);
  if (configuration.contains("shuffle")) {
    options.shuffle = shuffle_from_name(read_enum_field(
        configuration, kName, "shuffle", std::nullopt, {"noshuffle", "shuffle", "bitshuffle"}));
  }
  if (configuration.contains("typesize")) {
    options.typesize = read_int_field(configuration, kName, "typesize", std::nullopt, 1, INT32_MAX);
  }
  options.blocksize = read_int_field(configuration, kName, "blocksize", 0, 0, INT32_MAX);
  return std::make_shared<BloscCodec>(std::move(options));
}

// numcodecs' Blosc: cname "lz4", clevel 5, shuffle 1 (SHUFFLE), blocksize 0 by default;
// typesize (numcodecs >= 0.16) overrides the element size.
std::shared_ptr<const Codec> make_numcodecs_blosc_codec(const Json& configuration) {
  constexpr std::string_view kName = "numcodecs.blosc";
  reject_unknown_fields(configuration, kName,
                        {"cname", "clevel", "shuffle", "typesize", "blocksize"});
  BloscOptions options;
  options.numcodecs = true;
  options.cname = read_enum_field(configuration, kName, "cname", "lz4",
                                  {"lz4", "lz4hc", "blosclz", "zstd", "zlib", "snappy"});
  options.clevel = read_int_field(configuration, kName, "clevel", 5, 0, 9);
  options.shuffle = read_int_field(configuration, kName, "shuffle", 1, -1, 2);
  if (configuration.contains("typesize") && !configuration["typesize"].is_null()) {
    options.typesize = read_int_field(configuration, kName, "typesize", std::nullopt, 1, INT32_MAX);
  }
  options.blocksize = read_int_field(configuration, kName, "blocksize", 0, 0, INT32_MAX);
  return std::make_shared<BloscCodec>(std::move(options));
}

}  // namespace zarrphase::codecs

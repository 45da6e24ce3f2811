// blosc (Zarr v3 "blosc") and numcodecs' Blosc ("numcodecs.blosc"), on c-blosc 1.x.
//
// Both run through blosc_compress_ctx / blosc_decompress_ctx with one internal thread: no global
// blosc state, so any number of our threads may use one codec at once.
//
// Resolution follows zarr-python: an absent typesize becomes the element size of the array's
// data type; an absent v3 shuffle becomes "bitshuffle" for 1-byte types and "shuffle"
// otherwise; numcodecs' shuffle -1 (AUTOSHUFFLE) becomes bit-shuffle for typesize 1 and
// byte-shuffle otherwise. For "numcodecs.blosc" the element size is what Zarr v2 hands numcodecs
// (the chunk as an array of the data type); zarr-python 3 feeds the v3 "numcodecs.blosc"
// wrapper raw bytes instead (typesize 1), so only there our encoding may differ from
// zarr-python's — both decode either way, the header records what was used.
#ifndef ZARRPHASE_CODECS_BLOSC_CODEC_H_
#define ZARRPHASE_CODECS_BLOSC_CODEC_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "zarrphase/codec.h"

namespace zarrphase::codecs {

struct BloscOptions {
  bool numcodecs = false;  // "numcodecs.blosc" (integer shuffle) rather than v3 "blosc"
  std::string cname;       // blosclz, lz4, lz4hc, snappy, zlib, zstd
  int clevel = 5;
  std::optional<int> shuffle;   // 0 none, 1 byte, 2 bit, -1 auto (numcodecs); nullopt: v3 default
  std::optional<int> typesize;  // nullopt: from the data type at resolve
  int blocksize = 0;            // 0: blosc chooses
};

class BloscCodec final : public BytesToBytesCodec {
 public:
  explicit BloscCodec(BloscOptions options) : options_(std::move(options)) {}

  std::string_view name() const override;
  nlohmann::json to_json() const override;
  std::shared_ptr<const BytesToBytesCodec> resolve(const ChunkSpec& decoded) const override;
  std::optional<uint64_t> encoded_size(uint64_t) const override { return std::nullopt; }
  uint64_t max_encoded_size(uint64_t decoded_size) const override;
  void encode(ByteView in, Bytes& out) const override;
  void decode(ByteView in, uint64_t max_decoded_size, Bytes& out) const override;
  void decode_into(ByteView in, MutableByteView out) const override;

  const BloscOptions& options() const { return options_; }

 private:
  // The decoded size the header of `in` declares, after checking the header against the input.
  uint64_t checked_decoded_size(ByteView in) const;
  void decompress(ByteView in, MutableByteView out) const;

  BloscOptions options_;
};

}  // namespace zarrphase::codecs

#endif  // ZARRPHASE_CODECS_BLOSC_CODEC_H_

// zstd (Zarr v3 "zstd") and numcodecs' Zstd ("numcodecs.zstd").
//
// Encoding matches numcodecs: one frame with the content size recorded and, if asked, a
// checksum. Decoding accepts everything numcodecs reads: frames without a content size (written
// by streaming compressors), several concatenated frames, skippable frames. Compression and
// decompression contexts are reused per thread.
#ifndef ZARRPHASE_CODECS_ZSTD_CODEC_H_
#define ZARRPHASE_CODECS_ZSTD_CODEC_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "zarrphase/codec.h"

namespace zarrphase::codecs {

class ZstdCodec final : public BytesToBytesCodec {
 public:
  // `name` is "zstd" or "numcodecs.zstd"; they share the format and the configuration.
  ZstdCodec(std::string name, int level, bool checksum)
      : name_(std::move(name)), level_(level), checksum_(checksum) {}

  std::string_view name() const override { return name_; }
  nlohmann::json to_json() const override;
  std::shared_ptr<const BytesToBytesCodec> resolve(const ChunkSpec& decoded) const override;
  std::optional<uint64_t> encoded_size(uint64_t) const override { return std::nullopt; }
  uint64_t max_encoded_size(uint64_t decoded_size) const override;
  void encode(ByteView in, Bytes& out) const override;
  void decode(ByteView in, uint64_t max_decoded_size, Bytes& out) const override;
  void decode_into(ByteView in, MutableByteView out) const override;

 private:
  std::string name_;
  int level_;
  bool checksum_;
};

}  // namespace zarrphase::codecs

#endif  // ZARRPHASE_CODECS_ZSTD_CODEC_H_

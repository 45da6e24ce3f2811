// numcodecs' LZ4 ("numcodecs.lz4"): a 4-byte little-endian decoded size followed by one raw LZ4
// block (not the LZ4 frame format), exactly as numcodecs writes it with LZ4_compress_fast.
#ifndef ZARRPHASE_CODECS_LZ4_CODEC_H_
#define ZARRPHASE_CODECS_LZ4_CODEC_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "zarrphase/codec.h"

namespace zarrphase::codecs {

class Lz4Codec final : public BytesToBytesCodec {
 public:
  explicit Lz4Codec(int acceleration) : acceleration_(acceleration) {}

  std::string_view name() const override { return "numcodecs.lz4"; }
  nlohmann::json to_json() const override;
  std::shared_ptr<const BytesToBytesCodec> resolve(const ChunkSpec& decoded) const override;
  std::optional<uint64_t> encoded_size(uint64_t) const override { return std::nullopt; }
  uint64_t max_encoded_size(uint64_t decoded_size) const override;
  void encode(ByteView in, Bytes& out) const override;
  void decode(ByteView in, uint64_t max_decoded_size, Bytes& out) const override;
  void decode_into(ByteView in, MutableByteView out) const override;

 private:
  int acceleration_;
};

}  // namespace zarrphase::codecs

#endif  // ZARRPHASE_CODECS_LZ4_CODEC_H_

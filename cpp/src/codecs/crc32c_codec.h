// The `crc32c` bytes->bytes codec: appends the little-endian CRC32C (Castagnoli) of its input.
#ifndef ZARRPHASE_CODECS_CRC32C_CODEC_H_
#define ZARRPHASE_CODECS_CRC32C_CODEC_H_

#include <cstdint>

#include "zarrphase/codec.h"

namespace zarrphase::codecs {

// Standard CRC32C of `data` (crc32c("123456789") == 0xE3069283), hardware-accelerated by ISA-L.
uint32_t crc32c(ByteView data);

class Crc32cCodec final : public BytesToBytesCodec {
 public:
  static constexpr uint64_t kChecksumSize = 4;

  std::string_view name() const override { return "crc32c"; }
  nlohmann::json to_json() const override { return {{"name", "crc32c"}}; }
  std::shared_ptr<const BytesToBytesCodec> resolve(const ChunkSpec& decoded) const override;
  std::optional<uint64_t> encoded_size(uint64_t decoded_size) const override;
  uint64_t max_encoded_size(uint64_t decoded_size) const override;
  void encode(ByteView in, Bytes& out) const override;
  void decode(ByteView in, uint64_t max_decoded_size, Bytes& out) const override;
  void decode_into(ByteView in, MutableByteView out) const override;
  // The payload (all but the last 4 bytes) once its checksum is verified.
  std::optional<ByteView> decode_view(ByteView in) const override;
};

}  // namespace zarrphase::codecs

#endif  // ZARRPHASE_CODECS_CRC32C_CODEC_H_

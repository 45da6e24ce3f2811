// The `bytes` array->bytes codec: elements laid out in C order in a fixed byte order.
#ifndef ZARRPHASE_CODECS_BYTES_CODEC_H_
#define ZARRPHASE_CODECS_BYTES_CODEC_H_

#include <optional>

#include "zarrphase/codec.h"

namespace zarrphase::codecs {

class BytesCodec final : public ArrayToBytesCodec {
 public:
  // nullopt: no "endian" given, only valid for data types without a byte order.
  explicit BytesCodec(std::optional<Endian> endian) : endian_(endian) {}

  std::string_view name() const override { return "bytes"; }
  nlohmann::json to_json() const override;
  std::shared_ptr<const ArrayToBytesCodec> resolve(const ChunkSpec& decoded) const override;
  std::optional<uint64_t> encoded_size(const ChunkSpec& decoded) const override;
  void encode(const ChunkSpec& decoded, ByteView array, Bytes& out) const override;
  void decode(const ChunkSpec& decoded, ByteView encoded, MutableByteView array_out) const override;

  std::optional<Endian> endian() const { return endian_; }
  // True when the encoded bytes of `dtype` equal the native array bytes, so a chain may decode
  // the bytes->bytes output straight into the caller's array.
  bool is_identity(DataType dtype) const;

 private:
  std::optional<Endian> endian_;
};

}  // namespace zarrphase::codecs

#endif  // ZARRPHASE_CODECS_BYTES_CODEC_H_

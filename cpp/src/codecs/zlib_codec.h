// numcodecs' Zlib ("numcodecs.zlib"): one zlib stream (RFC 1950) per chunk, the Zarr v2
// "zlib" compressor. Encodes exactly like Python's zlib.compress(data, level); decodes with
// libdeflate. Like zlib.decompress, bytes after the end of the stream are ignored.
#ifndef ZARRPHASE_CODECS_ZLIB_CODEC_H_
#define ZARRPHASE_CODECS_ZLIB_CODEC_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "zarrphase/codec.h"

namespace zarrphase::codecs {

class ZlibCodec final : public BytesToBytesCodec {
 public:
  explicit ZlibCodec(int level) : level_(level) {}

  std::string_view name() const override { return "numcodecs.zlib"; }
  nlohmann::json to_json() const override;
  std::shared_ptr<const BytesToBytesCodec> resolve(const ChunkSpec& decoded) const override;
  std::optional<uint64_t> encoded_size(uint64_t) const override { return std::nullopt; }
  uint64_t max_encoded_size(uint64_t decoded_size) const override;
  void encode(ByteView in, Bytes& out) const override;
  void decode(ByteView in, uint64_t max_decoded_size, Bytes& out) const override;
  void decode_into(ByteView in, MutableByteView out) const override;

 private:
  int level_;
};

}  // namespace zarrphase::codecs

#endif  // ZARRPHASE_CODECS_ZLIB_CODEC_H_

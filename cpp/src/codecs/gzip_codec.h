// gzip (Zarr v3 "gzip") and numcodecs' GZip ("numcodecs.gzip"): one gzip member per chunk.
//
// Encoding writes the bytes CPython's gzip.GzipFile writes for numcodecs (same deflate stream,
// XFL and OS=255 header bytes) except the MTIME field, which is 0 here — Python stamps the
// current time, so its output is not reproducible anyway. Decoding uses libdeflate and accepts
// what Python's gzip module accepts: several concatenated members, zero padding between them.
#ifndef ZARRPHASE_CODECS_GZIP_CODEC_H_
#define ZARRPHASE_CODECS_GZIP_CODEC_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "zarrphase/codec.h"

namespace zarrphase::codecs {

class GzipCodec final : public BytesToBytesCodec {
 public:
  // `name` is "gzip" or "numcodecs.gzip"; the two differ only in their default level.
  GzipCodec(std::string name, int level) : name_(std::move(name)), level_(level) {}

  std::string_view name() const override { return name_; }
  nlohmann::json to_json() const override;
  std::shared_ptr<const BytesToBytesCodec> resolve(const ChunkSpec& decoded) const override;
  std::optional<uint64_t> encoded_size(uint64_t) const override { return std::nullopt; }
  uint64_t max_encoded_size(uint64_t decoded_size) const override;
  void encode(ByteView in, Bytes& out) const override;
  void decode(ByteView in, uint64_t max_decoded_size, Bytes& out) const override;
  void decode_into(ByteView in, MutableByteView out) const override;

  int level() const { return level_; }

 private:
  std::string name_;
  int level_;
};

}  // namespace zarrphase::codecs

#endif  // ZARRPHASE_CODECS_GZIP_CODEC_H_

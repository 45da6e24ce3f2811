// The `transpose` array->array codec: permutes the chunk's dimensions.
#ifndef ZARRPHASE_CODECS_TRANSPOSE_CODEC_H_
#define ZARRPHASE_CODECS_TRANSPOSE_CODEC_H_

#include <vector>

#include "zarrphase/codec.h"

namespace zarrphase::codecs {

class TransposeCodec final : public ArrayToArrayCodec {
 public:
  // Dimension i of the encoded array is dimension order[i] of the decoded one (Zarr v3 spec).
  explicit TransposeCodec(std::vector<size_t> order);

  std::string_view name() const override { return "transpose"; }
  nlohmann::json to_json() const override;
  std::shared_ptr<const ArrayToArrayCodec> resolve(const ChunkSpec& decoded) const override;
  ChunkSpec encoded_spec(const ChunkSpec& decoded) const override;
  void encode(const ChunkSpec& decoded, ByteView in, MutableByteView out) const override;
  void decode(const ChunkSpec& decoded, ByteView in, MutableByteView out) const override;

  const std::vector<size_t>& order() const { return order_; }

 private:
  std::vector<size_t> order_;
  std::vector<size_t> inverse_;  // inverse_[order_[i]] == i
};

}  // namespace zarrphase::codecs

#endif  // ZARRPHASE_CODECS_TRANSPOSE_CODEC_H_

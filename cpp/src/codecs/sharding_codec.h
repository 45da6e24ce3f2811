// The `sharding_indexed` array->bytes codec: a shard of many subchunks plus an index. The layout
// (what to fetch) lives in zarrphase/sharding.h; this codec adds whole-shard encode and decode
// in memory, used for nested sharding and for whole-shard reads and writes.
#ifndef ZARRPHASE_CODECS_SHARDING_CODEC_H_
#define ZARRPHASE_CODECS_SHARDING_CODEC_H_

#include <memory>
#include <vector>

#include "zarrphase/codec.h"
#include "zarrphase/sharding.h"

namespace zarrphase::codecs {

class ShardingCodec final : public ArrayToBytesCodec {
 public:
  // An unresolved codec: the configuration, with nested codec lists already checked by
  // make_codec and normalised to their {"name", "configuration"} form.
  ShardingCodec(std::vector<uint64_t> subchunk_shape, nlohmann::json codecs,
                nlohmann::json index_codecs, ShardIndexLocation index_location);
  // A resolved codec for one shard spec.
  explicit ShardingCodec(std::shared_ptr<const ShardLayout> layout);

  std::string_view name() const override { return "sharding_indexed"; }
  nlohmann::json to_json() const override;
  std::shared_ptr<const ArrayToBytesCodec> resolve(const ChunkSpec& decoded) const override;
  // Shards vary in size with their content: always nullopt.
  std::optional<uint64_t> encoded_size(const ChunkSpec& decoded) const override;
  uint64_t max_encoded_size(const ChunkSpec& decoded) const override;
  // Encodes every subchunk that is not entirely the fill value, in Morton order. A shard with
  // no such subchunk still encodes (an index of missing entries); zarr-python deletes it
  // instead, which is the caller's decision.
  void encode(const ChunkSpec& decoded, ByteView array, Bytes& out) const override;
  // Decodes every present subchunk into its box of `array_out` and fills the missing ones.
  void decode(const ChunkSpec& decoded, ByteView encoded, MutableByteView array_out) const override;

  // The layout of a resolved codec; nullptr before resolve().
  const ShardLayout* layout() const { return layout_.get(); }

 private:
  const ShardLayout& resolved_layout(const ChunkSpec& decoded) const;

  std::vector<uint64_t> subchunk_shape_;
  nlohmann::json codecs_;
  nlohmann::json index_codecs_;
  ShardIndexLocation index_location_;
  std::shared_ptr<const ShardLayout> layout_;
};

}  // namespace zarrphase::codecs

#endif  // ZARRPHASE_CODECS_SHARDING_CODEC_H_

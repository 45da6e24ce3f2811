// ShardLayout construction and the pure shard assembly shared by the codec and the engine.
#include <algorithm>
#include <string>

#include "codecs/subchunk_order.h"
#include "zarrphase/error.h"
#include "zarrphase/sharding.h"

namespace zarrphase {
namespace {

std::string shape_string(std::span<const uint64_t> shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  return out + "]";
}

CodecChain chain_with_context(const nlohmann::json& codecs, const ChunkSpec& spec,
                              const char* field) {
  try {
    return CodecChain::from_json(codecs, spec);
  } catch (const Error& e) {
    throw e.with_context(std::string("sharding_indexed: ") + field);
  }
}

}  // namespace

ShardLayout ShardLayout::create(const ChunkSpec& shard, std::vector<uint64_t> subchunk_shape,
                                const nlohmann::json& codecs, const nlohmann::json& index_codecs,
                                ShardIndexLocation index_location) {
  const size_t rank = shard.shape.size();
  if (subchunk_shape.size() != rank) {
    throw_invalid_metadata("sharding_indexed: chunk_shape " + shape_string(subchunk_shape) +
                           " has " + std::to_string(subchunk_shape.size()) +
                           " dimensions, the shard " + shape_string(shard.shape) + " has " +
                           std::to_string(rank));
  }
  std::vector<uint64_t> per_shard(rank);
  for (size_t d = 0; d < rank; ++d) {
    if (subchunk_shape[d] == 0 || shard.shape[d] % subchunk_shape[d] != 0) {
      throw_invalid_metadata("sharding_indexed: shard shape " + shape_string(shard.shape) +
                             " is not a multiple of chunk_shape " + shape_string(subchunk_shape) +
                             " in dimension " + std::to_string(d));
    }
    per_shard[d] = shard.shape[d] / subchunk_shape[d];
  }

  // The index holds 16 bytes per subchunk and the write order 8: refuse grids whose index alone
  // would be gigabytes rather than fail on allocation (or overflow) later.
  constexpr uint64_t kMaxSubchunks = uint64_t{1} << 27;
  uint64_t num_subchunks = 1;
  for (const uint64_t n : per_shard) {
    if (n != 0 && num_subchunks > kMaxSubchunks / n) {
      throw_unsupported("sharding_indexed: shard shape " + shape_string(shard.shape) +
                        " with chunk_shape " + shape_string(subchunk_shape) +
                        " has more than 2^27 subchunks per shard");
    }
    num_subchunks *= n;
  }

  const ChunkSpec inner_spec{shard.dtype, subchunk_shape, shard.fill_value};
  std::vector<uint64_t> index_shape = per_shard;
  index_shape.push_back(2);
  const DataType uint64 = DataType::uint(8);
  const Bytes all_ones(8, std::byte{0xFF});
  const ChunkSpec index_spec{uint64, index_shape, FillValue::from_bytes(uint64, all_ones)};

  ShardLayout layout(chain_with_context(codecs, inner_spec, "codecs"),
                     chain_with_context(index_codecs, index_spec, "index_codecs"));
  if (!layout.index_chain_.encoded_size()) {
    throw_invalid_metadata("sharding_indexed: index_codecs " +
                           layout.index_chain_.to_json().dump() +
                           " must have a fixed encoded size (e.g. bytes + crc32c)");
  }
  layout.shard_shape_ = shard.shape;
  layout.subchunk_shape_ = std::move(subchunk_shape);
  layout.subchunks_per_shard_ = std::move(per_shard);
  layout.num_subchunks_ = num_subchunks;
  layout.index_location_ = index_location;
  layout.index_encoded_size_ = *layout.index_chain_.encoded_size();
  layout.write_order_ = codecs::morton_order(layout.subchunks_per_shard_);
  return layout;
}

uint64_t ShardLayout::subchunk_linear_index(std::span<const uint64_t> coords) const {
  if (coords.size() != subchunks_per_shard_.size()) {
    throw_invalid_argument("sharding_indexed: subchunk coordinates " + shape_string(coords) +
                           " do not match the grid " + shape_string(subchunks_per_shard_));
  }
  uint64_t linear = 0;
  for (size_t d = 0; d < coords.size(); ++d) {
    if (coords[d] >= subchunks_per_shard_[d]) {
      throw_invalid_argument("sharding_indexed: subchunk coordinates " + shape_string(coords) +
                             " are outside the grid " + shape_string(subchunks_per_shard_));
    }
    linear = linear * subchunks_per_shard_[d] + coords[d];
  }
  return linear;
}

std::vector<uint64_t> ShardLayout::subchunk_coords(uint64_t linear_index) const {
  std::vector<uint64_t> coords(subchunks_per_shard_.size());
  for (size_t d = coords.size(); d-- > 0;) {
    coords[d] = linear_index % subchunks_per_shard_[d];
    linear_index /= subchunks_per_shard_[d];
  }
  return coords;
}

Bytes ShardLayout::assemble(std::span<const ByteView> encoded_subchunks) const {
  if (encoded_subchunks.size() != num_subchunks_) {
    throw_invalid_argument("sharding_indexed: got " + std::to_string(encoded_subchunks.size()) +
                           " subchunks for a shard of " + std::to_string(num_subchunks_));
  }
  const bool index_first = index_location_ == ShardIndexLocation::kStart;
  uint64_t total = index_encoded_size_;
  for (const ByteView chunk : encoded_subchunks) total += chunk.size();
  Bytes shard(total);
  ShardIndex index(num_subchunks_);
  uint64_t offset = index_first ? index_encoded_size_ : 0;
  for (const uint64_t i : write_order_) {
    const ByteView chunk = encoded_subchunks[i];
    if (chunk.empty()) continue;  // zarr-python stores no zero-length subchunk
    std::copy(chunk.begin(), chunk.end(), shard.begin() + static_cast<ptrdiff_t>(offset));
    index.set(i, {offset, chunk.size()});
    offset += chunk.size();
  }
  const Bytes index_bytes = encode_index(index);
  std::copy(index_bytes.begin(), index_bytes.end(),
            shard.begin() + static_cast<ptrdiff_t>(index_first ? 0 : offset));
  return shard;
}

}  // namespace zarrphase

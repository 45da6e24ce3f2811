#include "engine/shard_assembly.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "engine/shard_selection.h"
#include "zarrphase/error.h"

namespace zarrphase::engine {
namespace {

void encode_shard(const ChainLevel& level, const EngineOptions& options, bool scalar,
                  std::optional<ByteView> old, const ChunkSelection& selection, bool whole,
                  const StridedArray& value, EncodedChunk& result);

void encode_uncached(const ChainLevel& level, const EngineOptions& options, bool scalar,
                     std::optional<ByteView> old, const ChunkSelection& selection, bool whole,
                     const StridedArray& value, EncodedChunk& result) {
  if (level.layout != nullptr) {
    encode_shard(level, options, scalar, old, selection, whole, value, result);
  } else {
    encode_plain(level, options, old, selection, whole, value, result);
  }
}

void encode_shard(const ChainLevel& level, const EngineOptions& options, bool scalar,
                  std::optional<ByteView> old, const ChunkSelection& selection, bool whole,
                  const StridedArray& value, EncodedChunk& result) {
  const ShardLayout& layout = *level.layout;
  ChunkSelection permuted;
  StridedArray permuted_value;
  const ChunkSelection* shard_selection = &selection;
  const StridedArray* shard_value = &value;
  if (!level.permutation.empty()) {
    permute_selection(selection, value, level.permutation, permuted, permuted_value);
    shard_selection = &permuted;
    shard_value = &permuted_value;
  }

  std::vector<ByteView> slots(layout.num_subchunks());
  Bytes storage;
  if (old && !whole) {
    const ByteView shard =
        level.byte_ranges
            ? *old
            : decode_bytes_stage(*level.chain, *old, options.validate_checksums, storage);
    slots = subchunks_of(layout, shard);
  }
  const SubchunkSplit split(*shard_selection, layout.subchunk_shape(),
                            layout.subchunks_per_shard());
  std::vector<EncodedChunk> encoded(split.size());
  ChunkSelection subchunk_selection;
  for (size_t t = 0; t < split.size(); ++t) {
    const uint64_t linear = split.linear_index(t);
    const bool covered = split.covers_whole(t);
    std::optional<ByteView> subchunk_old;
    if (!covered && !slots[linear].empty()) subchunk_old = slots[linear];
    split.materialize(t, subchunk_selection);
    try {
      encode_node(*level.inner, options, scalar, subchunk_old, subchunk_selection, covered,
                  *shard_value, encoded[t]);
    } catch (const Error& e) {
      throw e.with_context("sharding_indexed: subchunk " + subchunk_name(layout, linear));
    }
    slots[linear] = encoded[t].stored ? encoded[t].view() : ByteView{};
  }
  finish_shard(level, slots, result);
}

}  // namespace

std::string subchunk_name(const ShardLayout& layout, uint64_t linear_index) {
  const std::vector<uint64_t> coords = layout.subchunk_coords(linear_index);
  std::string out = "[";
  for (size_t i = 0; i < coords.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(coords[i]);
  }
  return out + "]";
}

std::vector<ByteView> subchunks_of(const ShardLayout& layout, ByteView shard) {
  const ShardIndex index = layout.decode_index(layout.index_bytes(shard), shard.size());
  std::vector<ByteView> subchunks(index.size());
  for (size_t i = 0; i < index.size(); ++i) {
    if (!index[i].missing()) subchunks[i] = shard.subspan(index[i].offset, index[i].nbytes);
  }
  return subchunks;
}

Bytes assemble_shard(const ShardLayout& layout, std::span<const ByteView> subchunks,
                     std::span<const uint64_t> order) {
  const uint64_t count = layout.num_subchunks();
  if (subchunks.size() != count || (!order.empty() && order.size() != count)) {
    throw_invalid_argument("sharding_indexed: assembling " + std::to_string(subchunks.size()) +
                           " subchunks for a shard of " + std::to_string(count));
  }
  const uint64_t index_size = layout.index_encoded_size();
  const bool index_first = layout.index_location() == ShardIndexLocation::kStart;
  uint64_t total = index_size;
  for (const ByteView subchunk : subchunks) total += subchunk.size();
  Bytes shard(total);
  ShardIndex index(count);
  uint64_t offset = index_first ? index_size : 0;
  for (uint64_t n = 0; n < count; ++n) {
    const uint64_t i = order.empty() ? n : order[n];
    const ByteView subchunk = subchunks[i];
    if (subchunk.empty()) continue;  // missing (zarr-python stores no zero-length subchunk)
    std::memcpy(shard.data() + offset, subchunk.data(), subchunk.size());
    index.set(i, {offset, subchunk.size()});
    offset += subchunk.size();
  }
  const Bytes index_bytes = layout.encode_index(index);
  std::memcpy(shard.data() + (index_first ? 0 : offset), index_bytes.data(), index_bytes.size());
  return shard;
}

void finish_shard(const ChainLevel& level, std::span<const ByteView> subchunks,
                  EncodedChunk& result) {
  result.shared = nullptr;
  const bool any = std::any_of(subchunks.begin(), subchunks.end(),
                               [](const ByteView subchunk) { return !subchunk.empty(); });
  if (!any) {
    result.stored = false;
    result.owned.clear();
    return;
  }
  result.owned = assemble_shard(*level.layout, subchunks, level.write_order);
  if (!level.byte_ranges) encode_bytes_stage(*level.chain, result.owned);
  result.stored = true;
}

void encode_node(const ChainLevel& level, const EngineOptions& options, bool scalar,
                 std::optional<ByteView> old, const ChunkSelection& selection, bool whole,
                 const StridedArray& value, EncodedChunk& result) {
  if (scalar && whole) {
    // Every chunk of this level a broadcast scalar covers encodes the same: do it once.
    ChainLevel::ScalarEncoding& cache = *level.scalar;
    std::call_once(cache.once, [&] {
      EncodedChunk first;
      encode_uncached(level, options, scalar, std::nullopt, selection, true, value, first);
      cache.stored = first.stored;
      if (first.shared != nullptr) {
        cache.bytes = to_bytes(first.view());
      } else {
        cache.bytes.swap(first.owned);
      }
    });
    result.stored = cache.stored;
    result.shared = &cache.bytes;
    result.owned.clear();
    return;
  }
  encode_uncached(level, options, scalar, old, selection, whole, value, result);
}

}  // namespace zarrphase::engine

// Writing shards: laying encoded subchunks out in the configured order behind or after the
// index, and in-memory merge-and-encode of a whole shard (used for nested shards and shards
// whose bytes pass through compression, where subchunks cannot be fetched one by one).
#ifndef ZARRPHASE_ENGINE_SHARD_ASSEMBLY_H_
#define ZARRPHASE_ENGINE_SHARD_ASSEMBLY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "engine/chain_levels.h"
#include "engine/chunk_compute.h"
#include "zarrphase/buffer.h"
#include "zarrphase/engine.h"
#include "zarrphase/selection.h"
#include "zarrphase/sharding.h"

namespace zarrphase::engine {

// Lays out `subchunks` (one per subchunk in C order; empty means missing) in `order` (linear
// indices; empty means C order) with the index at the layout's index_location(), as
// zarr-python does for its subchunk_write_order.
Bytes assemble_shard(const ShardLayout& layout, std::span<const ByteView> subchunks,
                     std::span<const uint64_t> order);

// The stored form of a shard level from its subchunks: nothing when every subchunk is missing
// (zarr-python deletes such shards), else the assembled shard through the level's
// bytes->bytes codecs.
void finish_shard(const ChainLevel& level, std::span<const ByteView> subchunks,
                  EncodedChunk& result);

// The new encoding of a chunk, shard or inner shard of `level` whose old encoding is `old`
// (nullopt: missing, or not needed when `whole`) with `selection` of `value` written over it.
// `scalar` says `value` broadcasts one element: chunks it covers entirely encode once per level.
void encode_node(const ChainLevel& level, const EngineOptions& options, bool scalar,
                 std::optional<ByteView> old, const ChunkSelection& selection, bool whole,
                 const StridedArray& value, EncodedChunk& result);

// "[1, 2]": subchunk coordinates for error messages.
std::string subchunk_name(const ShardLayout& layout, uint64_t linear_index);

// The shard's subchunks by linear index from its bytes (its index decoded and validated).
std::vector<ByteView> subchunks_of(const ShardLayout& layout, ByteView shard);

}  // namespace zarrphase::engine

#endif  // ZARRPHASE_ENGINE_SHARD_ASSEMBLY_H_

// How the engine runs a codec chain, decided once per plan: as a plain chunk decoded and encoded
// through the whole chain, or as a shard whose subchunks are reached through its index, level by
// level for nested sharding.
#ifndef ZARRPHASE_ENGINE_CHAIN_LEVELS_H_
#define ZARRPHASE_ENGINE_CHAIN_LEVELS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "zarrphase/buffer.h"
#include "zarrphase/codec.h"
#include "zarrphase/engine.h"
#include "zarrphase/sharding.h"

namespace zarrphase::engine {

struct ChainLevel {
  const CodecChain* chain = nullptr;
  // Set when the chain's array->bytes codec is sharding_indexed.
  const ShardLayout* layout = nullptr;
  // Shards only: the transpose codecs before sharding as one permutation, so the engine can
  // address subchunks without running them: dimension i of the shard is dimension
  // permutation[i] of the chunk. Empty for the identity.
  std::vector<size_t> permutation;
  // Shards only: no bytes->bytes codec follows sharding, so the shard index and subchunks are
  // byte ranges of the stored object itself (else the whole object must be decoded first).
  bool byte_ranges = false;
  // Plain chunks only: the encoded bytes are the native array, optionally followed by crc32c
  // checksums (`bytes` in native order, no transpose, no compression), so a decode is a
  // checksum check and a copy straight from the fetched bytes.
  bool trivial = false;
  size_t trivial_checksums = 0;
  // Shards only: the subchunk write order as linear indices; empty means C order.
  std::vector<uint64_t> write_order;
  // Shards only: how the subchunks are run.
  std::unique_ptr<ChainLevel> inner;

  size_t element_size = 0;
  uint64_t decoded_bytes = 0;  // one chunk (or subchunk) of this level, decoded

  // One encoding shared by every chunk of this level a broadcast scalar covers entirely.
  struct ScalarEncoding {
    std::once_flag once;
    bool stored = false;
    Bytes bytes;
  };
  std::unique_ptr<ScalarEncoding> scalar = std::make_unique<ScalarEncoding>();

  const ChunkSpec& spec() const { return chain->decoded_spec(); }
  // The shard-space shape (after the permutation) of a sharding level.
  const std::vector<uint64_t>& shard_shape() const { return layout->shard_shape(); }
};

// The levels of `chain` (which must outlive them) with subchunks laid out in `order`.
std::unique_ptr<ChainLevel> analyze_chain(const CodecChain& chain, SubchunkWriteOrder order);

// The number of levels below `level` (0 for a plain chunk).
size_t nesting_depth(const ChainLevel& level);

// The bytes->bytes stage of a shard level without byte ranges: `encoded` decoded back to the
// shard bytes (in `storage` unless a checksum view suffices), or the shard bytes encoded in place.
ByteView decode_bytes_stage(const CodecChain& chain, ByteView encoded, bool verify_checksums,
                            Bytes& storage);
void encode_bytes_stage(const CodecChain& chain, Bytes& bytes);

// Strips `count` trailing crc32c checksums, verifying them unless told not to.
ByteView strip_checksums(ByteView encoded, size_t count, bool verify_checksums);

}  // namespace zarrphase::engine

#endif  // ZARRPHASE_ENGINE_CHAIN_LEVELS_H_

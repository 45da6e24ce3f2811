// zarrphase/sharding.h — the layout of a `sharding_indexed` shard, for planning shard IO.
//
// The sharding codec describes its IO instead of doing it. A ShardLayout answers, from the
// metadata alone, where a shard's index lives and how big it is; a ShardIndex, decoded from
// those bytes, says where each inner chunk ("subchunk") lives. The engine fetches the index
// (a suffix or prefix of the shard object), then only the subchunk ranges it needs, and decodes
// each through inner_chain(). Everything here is pure: no IO, immutable, thread-safe.
//
// Shard layout (Zarr v3 sharding spec): the encoded subchunks, back to back in write order, and
// an index at the end (default) or start: for each subchunk in C order, (offset, nbytes) as
// uint64, both 2^64-1 for a missing subchunk, encoded through index_chain() (typically bytes
// little-endian + crc32c). Offsets are from the start of the shard object.
#ifndef ZARRPHASE_SHARDING_H_
#define ZARRPHASE_SHARDING_H_

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "zarrphase/buffer.h"
#include "zarrphase/codec.h"
#include "zarrphase/store.h"

namespace zarrphase {

enum class ShardIndexLocation : uint8_t { kStart, kEnd };

// Where one subchunk lives in its shard.
struct ShardIndexEntry {
  static constexpr uint64_t kMissing = ~uint64_t{0};
  uint64_t offset = kMissing;
  uint64_t nbytes = kMissing;

  bool missing() const { return offset == kMissing && nbytes == kMissing; }
  friend bool operator==(const ShardIndexEntry&, const ShardIndexEntry&) = default;
};

// One entry per subchunk, in C order of the subchunk grid. Entries of a decoded index are
// validated: each is missing or lies inside the shard.
class ShardIndex {
 public:
  ShardIndex() = default;
  // `count` missing entries.
  explicit ShardIndex(uint64_t count) : entries_(count) {}

  size_t size() const { return entries_.size(); }
  const ShardIndexEntry& operator[](size_t i) const { return entries_[i]; }
  std::span<const ShardIndexEntry> entries() const { return entries_; }
  void set(size_t i, ShardIndexEntry entry) { entries_[i] = entry; }
  // True when no subchunk is present (zarr-python deletes such shards).
  bool all_missing() const;

  friend bool operator==(const ShardIndex&, const ShardIndex&) = default;

 private:
  std::vector<ShardIndexEntry> entries_;
};

class ShardLayout {
 public:
  // The layout of shards described by `shard` (the outer chunk spec) split into subchunks of
  // `subchunk_shape`, each encoded by `codecs`, with an index encoded by `index_codecs`. Throws
  // kInvalidMetadata naming the field when the shard shape is not a multiple of the subchunk
  // shape, the ranks differ, or the index chain is not fixed-size.
  static ShardLayout create(const ChunkSpec& shard, std::vector<uint64_t> subchunk_shape,
                            const nlohmann::json& codecs, const nlohmann::json& index_codecs,
                            ShardIndexLocation index_location);

  // Shape of one shard (the chunk shape of the outer chain) and of one subchunk.
  const std::vector<uint64_t>& shard_shape() const { return shard_shape_; }
  const std::vector<uint64_t>& subchunk_shape() const { return subchunk_shape_; }
  // Subchunks along each dimension (shard_shape / subchunk_shape) and in total.
  const std::vector<uint64_t>& subchunks_per_shard() const { return subchunks_per_shard_; }
  uint64_t num_subchunks() const { return num_subchunks_; }

  // The chain of each subchunk (its decoded spec is subchunk_shape) and of the index.
  const CodecChain& inner_chain() const { return inner_chain_; }
  const CodecChain& index_chain() const { return index_chain_; }

  ShardIndexLocation index_location() const { return index_location_; }
  // Encoded size of the index, in bytes (the index chain is always fixed-size).
  uint64_t index_encoded_size() const { return index_encoded_size_; }
  // The index's bytes within a shard object of unknown size: suffix(n) at the end, [0, n) at
  // the start.
  ByteRange index_range() const;
  // The index bytes of a whole shard; throws kCorruptData if the shard is shorter than them.
  ByteView index_bytes(ByteView shard) const;

  // Decodes exactly index_encoded_size() bytes (checksums verified) and validates every entry
  // against a shard object of `shard_size` bytes (UINT64_MAX: not known yet): inside the shard,
  // and clear of the index's own bytes. Throws kCorruptData (kChecksumMismatch for a bad
  // checksum) naming the entry and its values.
  ShardIndex decode_index(ByteView index_bytes, uint64_t shard_size) const;
  Bytes encode_index(const ShardIndex& index) const;

  // Linear (C-order) subchunk index <-> subchunk grid coordinates.
  uint64_t subchunk_linear_index(std::span<const uint64_t> coords) const;
  std::vector<uint64_t> subchunk_coords(uint64_t linear_index) const;

  // The order zarr-python 3.4 writes subchunks in by default (Morton / Z order, dimension 0 in
  // the lowest bit), as linear subchunk indices.
  const std::vector<uint64_t>& write_order() const { return write_order_; }

  // Lays out encoded subchunks (one per subchunk, C order; an empty view means missing) in
  // write_order() with the index at index_location(), as zarr-python does.
  Bytes assemble(std::span<const ByteView> encoded_subchunks) const;

 private:
  ShardLayout(CodecChain inner, CodecChain index)
      : inner_chain_(std::move(inner)), index_chain_(std::move(index)) {}

  std::vector<uint64_t> shard_shape_;
  std::vector<uint64_t> subchunk_shape_;
  std::vector<uint64_t> subchunks_per_shard_;
  uint64_t num_subchunks_ = 0;
  CodecChain inner_chain_;
  CodecChain index_chain_;
  ShardIndexLocation index_location_ = ShardIndexLocation::kEnd;
  uint64_t index_encoded_size_ = 0;
  std::vector<uint64_t> write_order_;
};

// The shard layout when `chain`'s array->bytes codec is sharding_indexed, else nullptr. The
// pointer lives as long as the chain (or any copy of it).
const ShardLayout* shard_layout(const CodecChain& chain);

}  // namespace zarrphase

#endif  // ZARRPHASE_SHARDING_H_

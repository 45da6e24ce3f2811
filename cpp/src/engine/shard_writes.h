// The nodes of a write: one chunk or shard of the batch, what is known of its stored value, and
// the steps from there to its store writes (merge and encode per subchunk, then assemble, patch
// in place, or erase).
#ifndef ZARRPHASE_ENGINE_SHARD_WRITES_H_
#define ZARRPHASE_ENGINE_SHARD_WRITES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/chain_levels.h"
#include "engine/chunk_compute.h"
#include "engine/shard_selection.h"
#include "zarrphase/buffer.h"
#include "zarrphase/engine.h"
#include "zarrphase/selection.h"
#include "zarrphase/sharding.h"

namespace zarrphase::engine {

struct WriteNode {
  size_t chunk = 0;  // in the batch: names the key
  const ChainLevel* level = nullptr;
  // What is written, in the level's shard space when merged subchunk by subchunk.
  const ChunkSelection* selection = nullptr;
  const StridedArray* value = nullptr;
  ChunkSelection own_selection;
  StridedArray own_value;
  bool whole = false;  // the selection covers the chunk: nothing old is needed
  // A shard whose subchunks are byte ranges of the stored value: merged and encoded one
  // subchunk at a time, untouched subchunks kept as their stored bytes. Otherwise the node is
  // one unit: decoded whole (if needed), merged, encoded.
  bool by_subchunk = false;
  std::unique_ptr<SubchunkSplit> split;
  std::vector<bool> touched;  // by linear subchunk index

  enum class Stored : uint8_t { kUnknown, kMissing, kPresent };
  Stored stored = Stored::kUnknown;
  ByteView old_value;                   // the whole stored value, when fetched
  ShardIndex index;                     // by_subchunk, once the stored shard is known
  std::vector<ByteView> old_subchunks;  // by_subchunk: fetched subchunk bytes by linear index
  bool in_place = false;                // try kSetRange patches instead of a rewrite

  bool awaiting = false;  // has reads in the coming round
  bool computed = false;
  bool done = false;
  std::vector<EncodedChunk> encoded;  // per touched subchunk, or one for the whole node
  std::vector<StoreWrite> writes;
};

// Sets up a node for chunk `chunk` of the batch.
void init_write_node(WriteNode& node, const ChainLevel& root, size_t chunk,
                     const ChunkSelection& selection, const StridedArray& value,
                     const EngineOptions& options);

// Subchunks of a by_subchunk node that a rewrite keeps but that the selection does not
// entirely overwrite, so their old bytes are needed: touched partially or untouched.
uint64_t subchunks_needing_old_bytes(const WriteNode& node);

// After the stored shard's index is known: the linear indices of the present subchunks whose
// bytes must still be fetched (partially touched ones; untouched ones too unless in place).
std::vector<uint64_t> old_subchunks_to_fetch(const WriteNode& node, bool include_untouched);

// Fills node.index and node.old_subchunks from a whole stored shard (node.old_value).
void index_whole_shard(WriteNode& node);

// Compute units of a node (touched subchunks, or 1), and one unit's merge and encode.
size_t leaf_count(const WriteNode& node);
void encode_leaf(WriteNode& node, size_t leaf, const EngineOptions& options, bool scalar);
uint64_t leaf_decoded_bytes(const WriteNode& node);

// Turns the encoded leaves into node.writes. Returns false (and leaves the node undone) when an
// in-place patch turned out impossible and untouched subchunks must be fetched first.
bool finish_node(WriteNode& node, const std::string& key);

}  // namespace zarrphase::engine

#endif  // ZARRPHASE_ENGINE_SHARD_WRITES_H_

// The nodes of a read: a chunk, a shard or an inner shard, with where its bytes are, what of it
// is selected and, once known, its index; and the leaves that compute on them.
#ifndef ZARRPHASE_ENGINE_SHARD_READS_H_
#define ZARRPHASE_ENGINE_SHARD_READS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/chain_levels.h"
#include "engine/shard_selection.h"
#include "zarrphase/buffer.h"
#include "zarrphase/engine.h"
#include "zarrphase/selection.h"
#include "zarrphase/sharding.h"

namespace zarrphase::engine {

struct ReadNode {
  size_t chunk = 0;  // in the batch: names the key
  const ChainLevel* level = nullptr;
  // The shard this node is a subchunk of, and where in it; null for a chunk of the batch.
  const ReadNode* parent = nullptr;
  uint64_t linear_in_parent = 0;
  // The node's bytes are [base, base + size) of the key's value; no size: the whole value.
  uint64_t base = 0;
  std::optional<uint64_t> size;
  // What is selected, in the level's shard space (after its transposes), and where it goes.
  const ChunkSelection* selection = nullptr;
  const StridedArray* caller = nullptr;
  ChunkSelection own_selection;
  StridedArray own_caller;
  // Shard levels: the touched subchunks, and the index once read.
  std::unique_ptr<SubchunkSplit> split;
  ShardIndex index;
  Bytes storage;  // a shard decoded out of its bytes->bytes codecs
  std::vector<std::unique_ptr<ReadNode>> children;

  bool top() const { return parent == nullptr; }
};

// Moves the node's selection into its level's shard space and splits it over the subchunks
// (shard levels only; plain levels are left as they are).
void enter_level(ReadNode& node);

// A child node for touched subchunk t of `parent` (whose inner level is a shard), whose bytes
// are `entry` of the parent's index.
std::unique_ptr<ReadNode> make_child(const ReadNode& parent, size_t t, ShardIndexEntry entry);

// True when so much of the shard is wanted that fetching all of it beats an index round.
bool wants_whole_shard(const ReadNode& node, const EngineOptions& options);

// One unit of read compute: decode (or fill) a plain chunk or subchunk into the output.
struct ReadLeaf {
  static constexpr size_t kWholeNode = SIZE_MAX;
  const ReadNode* node = nullptr;
  size_t touched = kWholeNode;  // the node's touched subchunk, or the node itself
  ByteView bytes;
  bool fill = false;
};
void run_leaf(const ReadLeaf& leaf, bool verify_checksums);
uint64_t leaf_bytes(const ReadLeaf& leaf);

// The leaves of a node whose bytes are all in memory (a whole shard fetched at once): decodes
// its index and those of inner shards, expanding every touched subchunk.
void expand_in_memory(ReadNode& node, ByteView bytes, bool verify_checksums,
                      std::vector<ReadLeaf>& leaves);

// "array 'a': key 'c/0/1': sharding_indexed: subchunk [0, 1]" for errors about `node` (and its
// touched subchunk `touched`, unless kWholeNode).
std::string node_context(const ReadNode& node, size_t touched, const std::string& array_name,
                         const std::string& key);

}  // namespace zarrphase::engine

#endif  // ZARRPHASE_ENGINE_SHARD_READS_H_

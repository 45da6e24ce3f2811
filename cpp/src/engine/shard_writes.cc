#include "engine/shard_writes.h"

#include <algorithm>
#include <utility>

#include "engine/selection_copy.h"
#include "engine/shard_assembly.h"
#include "zarrphase/error.h"

namespace zarrphase::engine {
namespace {

// In-place patches for every touched subchunk, when each keeps its slot: it was stored, its
// new encoding has the old size and is stored again, and no other entry shares its bytes.
bool in_place_patches(const WriteNode& node, const std::string& key,
                      std::vector<StoreWrite>& patches) {
  const ShardIndex& index = node.index;
  const SubchunkSplit& split = *node.split;
  for (size_t t = 0; t < split.size(); ++t) {
    const ShardIndexEntry& entry = index[split.linear_index(t)];
    if (entry.missing() || !node.encoded[t].stored ||
        node.encoded[t].view().size() != entry.nbytes) {
      return false;
    }
  }
  // zarr-python never lays two entries over the same bytes, but a hand-made shard may.
  std::vector<ShardIndexEntry> present;
  for (const ShardIndexEntry& entry : index.entries()) {
    if (!entry.missing() && entry.nbytes > 0) present.push_back(entry);
  }
  std::sort(present.begin(), present.end(),
            [](const ShardIndexEntry& a, const ShardIndexEntry& b) { return a.offset < b.offset; });
  for (size_t i = 1; i < present.size(); ++i) {
    if (present[i].offset < present[i - 1].offset + present[i - 1].nbytes) return false;
  }
  for (size_t t = 0; t < split.size(); ++t) {
    const ShardIndexEntry& entry = index[split.linear_index(t)];
    const ByteView bytes = node.encoded[t].view();
    patches.push_back({StoreWrite::Kind::kSetRange, key, entry.offset, to_bytes(bytes)});
  }
  std::sort(patches.begin(), patches.end(),
            [](const StoreWrite& a, const StoreWrite& b) { return a.offset < b.offset; });
  return true;
}

void set_or_erase(WriteNode& node, const std::string& key, EncodedChunk& result) {
  if (result.stored) {
    Bytes value = result.shared != nullptr ? to_bytes(result.view()) : std::move(result.owned);
    node.writes.push_back({StoreWrite::Kind::kSet, key, 0, std::move(value)});
  } else if (node.stored != WriteNode::Stored::kMissing) {
    // Empty now: delete what may be stored (harmless when nothing is).
    node.writes.push_back({StoreWrite::Kind::kErase, key, 0, {}});
  }
}

}  // namespace

void init_write_node(WriteNode& node, const ChainLevel& root, size_t chunk,
                     const ChunkSelection& selection, const StridedArray& value,
                     const EngineOptions& options) {
  node.chunk = chunk;
  node.level = &root;
  node.selection = &selection;
  node.value = &value;
  node.whole = selects_whole_chunk(selection, root.spec().shape);
  node.by_subchunk = root.layout != nullptr && root.byte_ranges;
  if (!node.by_subchunk) {
    node.encoded.resize(1);
    return;
  }
  if (!root.permutation.empty()) {
    permute_selection(selection, value, root.permutation, node.own_selection, node.own_value);
    node.selection = &node.own_selection;
    node.value = &node.own_value;
  }
  const ShardLayout& layout = *root.layout;
  node.split = std::make_unique<SubchunkSplit>(*node.selection, layout.subchunk_shape(),
                                               layout.subchunks_per_shard());
  node.touched.assign(layout.num_subchunks(), false);
  for (size_t t = 0; t < node.split->size(); ++t) node.touched[node.split->linear_index(t)] = true;
  node.encoded.resize(node.split->size());
  node.in_place =
      options.write_ranges_in_place && !node.whole && root.inner->chain->encoded_size().has_value();
}

uint64_t subchunks_needing_old_bytes(const WriteNode& node) {
  uint64_t covered = 0;
  for (size_t t = 0; t < node.split->size(); ++t) covered += node.split->covers_whole(t) ? 1 : 0;
  return node.level->layout->num_subchunks() - covered;
}

std::vector<uint64_t> old_subchunks_to_fetch(const WriteNode& node, bool include_untouched) {
  std::vector<uint64_t> wanted;
  const SubchunkSplit& split = *node.split;
  // Not yet fetched, and with bytes to fetch (zarr-python never stores an empty subchunk).
  const auto unfetched = [&](uint64_t linear) {
    const ShardIndexEntry& entry = node.index[linear];
    return !entry.missing() && entry.nbytes > 0 && node.old_subchunks[linear].empty();
  };
  for (size_t t = 0; t < split.size(); ++t) {
    const uint64_t linear = split.linear_index(t);
    if (!split.covers_whole(t) && unfetched(linear)) wanted.push_back(linear);
  }
  if (include_untouched) {
    for (uint64_t linear = 0; linear < node.index.size(); ++linear) {
      if (!node.touched[linear] && unfetched(linear)) wanted.push_back(linear);
    }
  }
  return wanted;
}

void index_whole_shard(WriteNode& node) {
  const ShardLayout& layout = *node.level->layout;
  node.index = layout.decode_index(layout.index_bytes(node.old_value), node.old_value.size());
  node.old_subchunks.assign(node.index.size(), ByteView{});
  for (size_t i = 0; i < node.index.size(); ++i) {
    const ShardIndexEntry& entry = node.index[i];
    if (!entry.missing())
      node.old_subchunks[i] = node.old_value.subspan(entry.offset, entry.nbytes);
  }
}

size_t leaf_count(const WriteNode& node) { return node.encoded.size(); }

uint64_t leaf_decoded_bytes(const WriteNode& node) {
  return node.by_subchunk ? node.level->inner->decoded_bytes : node.level->decoded_bytes;
}

void encode_leaf(WriteNode& node, size_t leaf, const EngineOptions& options, bool scalar) {
  const bool present = node.stored == WriteNode::Stored::kPresent;
  if (!node.by_subchunk) {
    std::optional<ByteView> old;
    if (present && !node.whole) old = node.old_value;
    encode_node(*node.level, options, scalar, old, *node.selection, node.whole, *node.value,
                node.encoded[0]);
    return;
  }
  const SubchunkSplit& split = *node.split;
  const uint64_t linear = split.linear_index(leaf);
  const bool covered = split.covers_whole(leaf);
  std::optional<ByteView> old;
  if (!covered && present && !node.old_subchunks[linear].empty()) {
    old = node.old_subchunks[linear];
  }
  thread_local ChunkSelection selection;  // storage reused from subchunk to subchunk
  split.materialize(leaf, selection);
  try {
    encode_node(*node.level->inner, options, scalar, old, selection, covered, *node.value,
                node.encoded[leaf]);
  } catch (const Error& e) {
    throw e.with_context("sharding_indexed: subchunk " +
                         subchunk_name(*node.level->layout, linear));
  }
}

bool finish_node(WriteNode& node, const std::string& key) {
  if (!node.by_subchunk) {
    set_or_erase(node, key, node.encoded[0]);
    node.done = true;
    return true;
  }
  const bool present = node.stored == WriteNode::Stored::kPresent;
  if (node.in_place && present) {
    node.in_place = false;  // one try: a fallback rewrites the shard
    if (in_place_patches(node, key, node.writes)) {
      node.done = true;
      return true;
    }
    if (!old_subchunks_to_fetch(node, true).empty()) return false;
  }
  const SubchunkSplit& split = *node.split;
  std::vector<ByteView> slots(node.level->layout->num_subchunks());
  if (present) {
    for (uint64_t linear = 0; linear < slots.size(); ++linear) {
      if (!node.touched[linear]) slots[linear] = node.old_subchunks[linear];
    }
  }
  for (size_t t = 0; t < split.size(); ++t) {
    if (node.encoded[t].stored) slots[split.linear_index(t)] = node.encoded[t].view();
  }
  EncodedChunk shard;
  finish_shard(*node.level, slots, shard);
  set_or_erase(node, key, shard);
  node.done = true;
  return true;
}

}  // namespace zarrphase::engine

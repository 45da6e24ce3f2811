#include "engine/shard_reads.h"

#include <utility>

#include "engine/chunk_compute.h"
#include "engine/shard_assembly.h"
#include "zarrphase/error.h"

namespace zarrphase::engine {

void enter_level(ReadNode& node) {
  const ChainLevel& level = *node.level;
  if (level.layout == nullptr) return;
  if (!level.permutation.empty()) {
    ChunkSelection permuted;
    permute_selection(*node.selection, *node.caller, level.permutation, permuted, node.own_caller);
    node.own_selection = std::move(permuted);
    node.selection = &node.own_selection;
    node.caller = &node.own_caller;
  }
  node.split = std::make_unique<SubchunkSplit>(*node.selection, level.layout->subchunk_shape(),
                                               level.layout->subchunks_per_shard());
}

std::unique_ptr<ReadNode> make_child(const ReadNode& parent, size_t t, ShardIndexEntry entry) {
  auto child = std::make_unique<ReadNode>();
  child->chunk = parent.chunk;
  child->level = parent.level->inner.get();
  child->parent = &parent;
  child->linear_in_parent = parent.split->linear_index(t);
  child->base = parent.base + entry.offset;
  child->size = entry.nbytes;
  parent.split->materialize(t, child->own_selection);
  child->selection = &child->own_selection;
  child->caller = parent.caller;
  enter_level(*child);
  return child;
}

bool wants_whole_shard(const ReadNode& node, const EngineOptions& options) {
  const double wanted = static_cast<double>(node.split->size()) /
                        static_cast<double>(node.level->layout->num_subchunks());
  return wanted >= options.whole_shard_fraction;
}

void run_leaf(const ReadLeaf& leaf, bool verify_checksums) {
  const ReadNode& node = *leaf.node;
  if (leaf.touched == ReadLeaf::kWholeNode) {
    if (leaf.fill) {
      fill_into(*node.level, *node.selection, *node.caller);
    } else {
      decode_into(*node.level, leaf.bytes, *node.selection, *node.caller, verify_checksums);
    }
    return;
  }
  thread_local ChunkSelection selection;  // storage reused from subchunk to subchunk
  node.split->materialize(leaf.touched, selection);
  const ChainLevel& level = *node.level->inner;
  if (leaf.fill) {
    fill_into(level, selection, *node.caller);
  } else {
    decode_into(level, leaf.bytes, selection, *node.caller, verify_checksums,
                node.split->covers_whole(leaf.touched));
  }
}

uint64_t leaf_bytes(const ReadLeaf& leaf) {
  const ChainLevel& level =
      leaf.touched == ReadLeaf::kWholeNode ? *leaf.node->level : *leaf.node->level->inner;
  return level.decoded_bytes;
}

void expand_in_memory(ReadNode& node, ByteView bytes, bool verify_checksums,
                      std::vector<ReadLeaf>& leaves) {
  const ChainLevel& level = *node.level;
  if (level.layout == nullptr) {
    leaves.push_back({&node, ReadLeaf::kWholeNode, bytes, false});
    return;
  }
  const ShardLayout& layout = *level.layout;
  const ByteView shard =
      level.byte_ranges ? bytes
                        : decode_bytes_stage(*level.chain, bytes, verify_checksums, node.storage);
  node.index = layout.decode_index(layout.index_bytes(shard), shard.size());
  const SubchunkSplit& split = *node.split;
  const bool inner_plain = level.inner->layout == nullptr;
  for (size_t t = 0; t < split.size(); ++t) {
    const ShardIndexEntry& entry = node.index[split.linear_index(t)];
    if (entry.missing()) {
      leaves.push_back({&node, t, {}, true});
    } else if (inner_plain) {
      leaves.push_back({&node, t, shard.subspan(entry.offset, entry.nbytes), false});
    } else {
      ReadNode& child = *node.children.emplace_back(make_child(node, t, entry));
      try {
        expand_in_memory(child, shard.subspan(entry.offset, entry.nbytes), verify_checksums,
                         leaves);
      } catch (const Error& e) {
        throw e.with_context("sharding_indexed: subchunk " +
                             subchunk_name(layout, child.linear_in_parent));
      }
    }
  }
}

std::string node_context(const ReadNode& node, size_t touched, const std::string& array_name,
                         const std::string& key) {
  std::string context = node.parent != nullptr
                            ? node_context(*node.parent, ReadLeaf::kWholeNode, array_name, key) +
                                  ": sharding_indexed: subchunk " +
                                  subchunk_name(*node.parent->level->layout, node.linear_in_parent)
                            : array_name + ": key '" + key + "'";
  if (touched != ReadLeaf::kWholeNode) {
    context += ": sharding_indexed: subchunk " +
               subchunk_name(*node.level->layout, node.split->linear_index(touched));
  }
  return context;
}

}  // namespace zarrphase::engine

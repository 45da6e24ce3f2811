// ReadPlan: the rounds of a batch read. Round 1 fetches every plain chunk whole and, per shard,
// its index or (when most of it is wanted) all of it; each later round fetches the subchunks
// (or inner shard indexes) the indexes just read point to, merged into few requests. The compute
// a round unlocks runs on the pool over every chunk and subchunk at once.
#include <algorithm>
#include <deque>
#include <utility>

#include "engine/plan_batch.h"
#include "engine/range_coalescing.h"
#include "engine/shard_assembly.h"
#include "engine/shard_reads.h"
#include "engine/thread_pool.h"
#include "zarrphase/config.h"
#include "zarrphase/engine.h"
#include "zarrphase/error.h"

namespace zarrphase {

using engine::ReadLeaf;
using engine::ReadNode;

struct ReadPlan::State {
  enum class FetchKind : uint8_t { kPlain, kWholeShard, kIndex, kSubchunk };
  struct Fetch {
    FetchKind kind;
    ReadNode* node;
    size_t touched = ReadLeaf::kWholeNode;  // kSubchunk
  };

  std::shared_ptr<const CodecChain> chain;
  std::vector<ChunkSelection> batch;
  StridedArray out;
  EngineOptions options;
  std::string array_name;
  engine::BatchKeys keys;
  std::unique_ptr<engine::ChainLevel> root;
  std::deque<ReadNode> nodes;  // one per chunk read; shards own their inner nodes
  std::vector<bool> present;

  engine::RoundReads round;
  std::vector<Fetch> fetches;  // parallel to round's fetches
  std::vector<ReadRequest> reads;
  size_t rounds = 0;

  const std::string& key(const ReadNode& node) const {
    return keys.keys[keys.key_of_chunk[node.chunk]];
  }
  Error in_context(const Error& e, const ReadNode& node, size_t touched) const {
    return e.with_context(engine::node_context(node, touched, array_name, key(node)));
  }

  void add_fetch(FetchKind kind, ReadNode& node, ByteRange range, size_t touched = 0) {
    round.add(keys.key_of_chunk[node.chunk], range);
    fetches.push_back({kind, &node, touched});
  }

  // Plans the first fetch of a node whose bytes are not known yet.
  void fetch_node(ReadNode& node) {
    const engine::ChainLevel& level = *node.level;
    const ByteRange whole = node.top() ? ByteRange::all() : ByteRange::range(node.base, *node.size);
    if (level.layout == nullptr) {
      add_fetch(FetchKind::kPlain, node, whole);
    } else if (!level.byte_ranges || engine::wants_whole_shard(node, options)) {
      add_fetch(FetchKind::kWholeShard, node, whole);
    } else {
      const ShardLayout& layout = *level.layout;
      const uint64_t index_size = layout.index_encoded_size();
      if (node.top()) {
        add_fetch(FetchKind::kIndex, node, layout.index_range());
        return;
      }
      if (*node.size < index_size) {
        throw in_context(
            Error(ErrorCode::kCorruptData,
                  "sharding_indexed: shard has " + std::to_string(*node.size) +
                      " bytes, fewer than its " + std::to_string(index_size) + "-byte index"),
            node, ReadLeaf::kWholeNode);
      }
      const uint64_t start = layout.index_location() == ShardIndexLocation::kEnd
                                 ? node.base + *node.size - index_size
                                 : node.base;
      add_fetch(FetchKind::kIndex, node, ByteRange::range(start, index_size));
    }
  }

  void start_round() {
    reads = round.build(keys.keys, options.coalesce_max_gap_bytes, options.coalesce_max_bytes);
  }

  void complete(std::vector<std::optional<SharedBytes>> answers);
};

namespace {

// The error for an inner shard or chunk whose bytes run past the end of the stored value.
[[noreturn]] void throw_truncated(const ReadNode& node, const engine::RoundReads::Result& result) {
  const uint64_t value_size = result.value_size.value_or(node.base + result.bytes.size());
  throw_corrupt("sharding_indexed: the " + std::to_string(*node.size) + " bytes at offset " +
                std::to_string(node.base) + " run past the end of the stored value's " +
                std::to_string(value_size) + " bytes");
}

}  // namespace

void ReadPlan::State::complete(std::vector<std::optional<SharedBytes>> answers) {
  if (answers.size() != reads.size()) {
    throw_invalid_argument(array_name + ": complete_reads got " + std::to_string(answers.size()) +
                           " answers for " + std::to_string(reads.size()) + " reads");
  }
  ++rounds;
  std::vector<ReadLeaf> leaves;
  std::vector<std::pair<ReadNode*, ByteView>> indexes;
  std::vector<std::pair<ReadNode*, ByteView>> whole_shards;
  for (size_t f = 0; f < fetches.size(); ++f) {
    const Fetch& fetch = fetches[f];
    ReadNode& node = *fetch.node;
    const engine::RoundReads::Result result = round.result(f, answers);
    try {
      if (result.missing) {
        // Only a node's first read may find nothing; later reads follow an index it had.
        if (!node.top() || fetch.kind == FetchKind::kSubchunk) {
          throw_corrupt("sharding_indexed: the shard disappeared between two rounds of reads");
        }
        leaves.push_back({&node, ReadLeaf::kWholeNode, {}, true});
        continue;
      }
      if (node.top()) present[node.chunk] = true;
      switch (fetch.kind) {
        case FetchKind::kPlain:
        case FetchKind::kWholeShard:
          if (node.size && result.bytes.size() < *node.size) throw_truncated(node, result);
          if (fetch.kind == FetchKind::kPlain) {
            leaves.push_back({&node, ReadLeaf::kWholeNode, result.bytes, false});
          } else {
            whole_shards.emplace_back(&node, result.bytes);
          }
          break;
        case FetchKind::kIndex: {
          const uint64_t index_size = node.level->layout->index_encoded_size();
          if (result.bytes.size() < index_size) {
            const uint64_t shard_size = node.top() ? result.bytes.size() : *node.size;
            throw_corrupt("sharding_indexed: shard has " + std::to_string(shard_size) +
                          " bytes, fewer than its " + std::to_string(index_size) + "-byte index");
          }
          indexes.emplace_back(&node, result.bytes);
          break;
        }
        case FetchKind::kSubchunk: {
          const uint64_t linear = node.split->linear_index(fetch.touched);
          const ShardIndexEntry& entry = node.index[linear];
          if (result.bytes.size() < entry.nbytes) {
            // The value ends early: its size is known from this answer.
            const uint64_t end = result.value_size.value_or(node.base + entry.offset);
            const uint64_t shard_bytes = end > node.base ? end - node.base : 0;
            throw_corrupt("sharding_indexed: index entry " + std::to_string(linear) + " (offset " +
                          std::to_string(entry.offset) + ", nbytes " +
                          std::to_string(entry.nbytes) + ") exceeds the shard's " +
                          std::to_string(shard_bytes) + " bytes");
          }
          leaves.push_back({&node, fetch.touched, result.bytes, false});
          break;
        }
      }
    } catch (const Error& e) {
      throw in_context(e, node, ReadLeaf::kWholeNode);
    }
  }

  // Indexes: decode them all (checksums, entry bounds), then plan what they point to.
  engine::parallel_for(
      indexes.size(),
      [&](size_t i) {
        ReadNode& node = *indexes[i].first;
        try {
          node.index =
              node.level->layout->decode_index(indexes[i].second, node.size.value_or(UINT64_MAX));
        } catch (const Error& e) {
          throw in_context(e, node, ReadLeaf::kWholeNode);
        }
      },
      indexes.empty() ? 0 : indexes.front().first->level->layout->index_encoded_size());
  // Every answer of this round is in hand: plan the next round while computing this one.
  round = engine::RoundReads();
  fetches.clear();
  for (const auto& [node, bytes] : indexes) {
    const bool inner_plain = node->level->inner->layout == nullptr;
    for (size_t t = 0; t < node->split->size(); ++t) {
      const ShardIndexEntry& entry = node->index[node->split->linear_index(t)];
      if (entry.missing()) {
        leaves.push_back({node, t, {}, true});
      } else if (inner_plain) {
        add_fetch(FetchKind::kSubchunk, *node,
                  ByteRange::range(node->base + entry.offset, entry.nbytes), t);
      } else {
        fetch_node(*node->children.emplace_back(engine::make_child(*node, t, entry)));
      }
    }
  }

  // Whole shards in memory: expand each into its subchunk leaves (in parallel, then joined).
  std::vector<std::vector<ReadLeaf>> expanded(whole_shards.size());
  engine::parallel_for(
      whole_shards.size(),
      [&](size_t i) {
        ReadNode& node = *whole_shards[i].first;
        try {
          engine::expand_in_memory(node, whole_shards[i].second, options.validate_checksums,
                                   expanded[i]);
        } catch (const Error& e) {
          throw in_context(e, node, ReadLeaf::kWholeNode);
        }
      },
      whole_shards.empty() ? 0 : whole_shards.front().second.size());
  for (std::vector<ReadLeaf>& more : expanded) {
    leaves.insert(leaves.end(), more.begin(), more.end());
  }

  uint64_t leaf_total = 0;
  for (const ReadLeaf& leaf : leaves) leaf_total += engine::leaf_bytes(leaf);
  const bool verify = options.validate_checksums;
  // Runs of consecutive leaves per task, not single leaves: consecutive leaves are neighbours in
  // the output (a shard's subchunks in order) whose rows share cache lines at their edges, and
  // two threads writing neighbours at once fight over those lines (a read-all of 32^3 subchunks
  // ran no faster on two threads than on one). Eight runs per thread keep the load balanced.
  const size_t per_task = std::max<size_t>(1, leaves.size() / (thread_count() * 8));
  const size_t tasks = (leaves.size() + per_task - 1) / per_task;
  engine::parallel_for(
      tasks,
      [&](size_t t) {
        const size_t end = std::min(leaves.size(), (t + 1) * per_task);
        for (size_t i = t * per_task; i < end; ++i) {
          try {
            engine::run_leaf(leaves[i], verify);
          } catch (const Error& e) {
            throw in_context(e, *leaves[i].node, leaves[i].touched);
          }
        }
      },
      tasks == 0 ? 0 : leaf_total / tasks);
  start_round();
}

ReadPlan::ReadPlan(std::shared_ptr<const CodecChain> chain, std::vector<ChunkSelection> batch,
                   StridedArray out, EngineOptions options, std::string array_name)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  if (!chain) throw_invalid_argument(array_name + ": ReadPlan needs a codec chain");
  s.chain = std::move(chain);
  s.batch = std::move(batch);
  s.out = std::move(out);
  s.options = options;
  s.array_name = std::move(array_name);
  s.keys = engine::validate_batch(s.batch, *s.chain, s.out, s.array_name, false);
  s.root = engine::analyze_chain(*s.chain, options.subchunk_write_order);
  s.present.assign(s.batch.size(), false);
  for (size_t i = 0; i < s.batch.size(); ++i) {
    if (engine::selected_elements(s.batch[i]) == 0) continue;  // nothing to read or place
    ReadNode& node = s.nodes.emplace_back();
    node.chunk = i;
    node.level = s.root.get();
    node.selection = &s.batch[i];
    node.caller = &s.out;
    engine::enter_level(node);
    s.fetch_node(node);
  }
  s.start_round();
}

ReadPlan::~ReadPlan() = default;
ReadPlan::ReadPlan(ReadPlan&&) noexcept = default;
ReadPlan& ReadPlan::operator=(ReadPlan&&) noexcept = default;

const std::vector<ReadRequest>& ReadPlan::reads() const { return state_->reads; }

void ReadPlan::complete_reads(std::vector<std::optional<Bytes>> answers) {
  complete_reads_shared(engine::adopt_answers(std::move(answers)));
}

void ReadPlan::complete_reads_shared(std::vector<std::optional<SharedBytes>> answers) {
  State& s = *state_;
  if (s.reads.empty()) throw_invalid_argument(s.array_name + ": the read plan has no reads left");
  try {
    s.complete(std::move(answers));
  } catch (...) {
    // A failed plan asks for nothing more.
    s.reads.clear();
    s.fetches.clear();
    throw;
  }
}

size_t ReadPlan::rounds_completed() const { return state_->rounds; }

const std::vector<bool>& ReadPlan::present() const { return state_->present; }

}  // namespace zarrphase

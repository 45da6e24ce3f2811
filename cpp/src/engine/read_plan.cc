// ReadPlan: the rounds of a batch read. Round 1 fetches every plain chunk whole and, per shard,
// its index or (when most of it is wanted) all of it; each later round fetches the subchunks
// (or inner shard indexes) the indexes just read point to, merged into few requests. The compute
// a round unlocks runs on the pool over every chunk and subchunk at once.
//
// With fused reads enabled (engine.h), the reads of uncompressed chunks and subchunks are listed
// apart and computed as the executor hands their bytes over; a shard whose subchunks are fused
// is always read through its index, never whole, so its subchunks can be.
#include <algorithm>
#include <atomic>
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

  // Fused reads: their own round of fetches, and per round which were consumed (per request)
  // and which found their key (per fetch; folded into `present`, a vector<bool> that threads
  // must not write at once).
  bool fused_enabled = false;
  engine::RoundReads fused_round;
  std::vector<Fetch> fused_fetches;
  std::vector<ReadRequest> fused_reads;
  std::vector<uint8_t> fused_done;
  std::vector<uint8_t> fused_found;
  std::atomic<bool> fused_failed{false};

  const std::string& key(const ReadNode& node) const {
    return keys.keys[keys.key_of_chunk[node.chunk]];
  }
  Error in_context(const Error& e, const ReadNode& node, size_t touched) const {
    return e.with_context(engine::node_context(node, touched, array_name, key(node)));
  }

  void add_fetch(FetchKind kind, ReadNode& node, ByteRange range, size_t touched = 0) {
    if (fusable(kind, node, range)) {
      fused_round.add(keys.key_of_chunk[node.chunk], range);
      fused_fetches.push_back({kind, &node, touched});
      return;
    }
    round.add(keys.key_of_chunk[node.chunk], range);
    fetches.push_back({kind, &node, touched});
  }

  // Fused: the leaves of uncompressed levels, whose compute is a copy that wants the bytes hot.
  // Compressed leaves gain nothing (their decode reads far fewer bytes than it writes). An empty
  // range makes no request, so it stays with the fetches complete() walks.
  bool fusable(FetchKind kind, const ReadNode& node, ByteRange range) const {
    if (!fused_enabled || (range.kind == ByteRange::Kind::kRange && range.length == 0)) {
      return false;
    }
    if (kind == FetchKind::kPlain) return node.level->trivial;
    return kind == FetchKind::kSubchunk && node.level->inner->trivial;
  }
  bool fuses_subchunks(const engine::ChainLevel& level) const {
    return fused_enabled && level.byte_ranges && level.inner->layout == nullptr &&
           level.inner->trivial;
  }

  // Plans the first fetch of a node whose bytes are not known yet.
  void fetch_node(ReadNode& node) {
    const engine::ChainLevel& level = *node.level;
    const ByteRange whole = node.top() ? ByteRange::all() : ByteRange::range(node.base, *node.size);
    if (level.layout == nullptr) {
      add_fetch(FetchKind::kPlain, node, whole);
    } else if (!level.byte_ranges ||
               (engine::wants_whole_shard(node, options) && !fuses_subchunks(level))) {
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
    fused_reads = fused_round.build(keys.keys, options.coalesce_max_gap_bytes,
                                    std::min(options.coalesce_max_bytes, kMaxFusedRequestBytes));
    fused_done.assign(fused_reads.size(), 0);
    fused_found.assign(fused_fetches.size(), 0);
  }

  // The leaf of a kPlain or kSubchunk fetch (or of any node's first fetch finding no key).
  ReadLeaf leaf_of(const Fetch& fetch, const engine::RoundReads::Result& result) const;
  void consume(size_t request, std::optional<ByteView> bytes);
  // Checks every fused read of the round was consumed without error; folds `present`.
  void finish_fused_round();
  void complete(std::vector<std::optional<SharedBytes>> answers);

  // A fused request is read into one cache-resident buffer and computed on one thread: merged
  // subchunks stop at this size so a shard still spreads over the pool and the buffer stays in
  // the core's L2 or close to it.
  static constexpr uint64_t kMaxFusedRequestBytes = 1 << 20;
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

ReadLeaf ReadPlan::State::leaf_of(const Fetch& fetch,
                                  const engine::RoundReads::Result& result) const {
  ReadNode& node = *fetch.node;
  if (result.missing) {
    // A key gone since its index was read was deleted meanwhile, which a writer does when all
    // of the shard became the fill value: what was wanted of it reads as fill, as zarr-python
    // reads it.
    if (fetch.kind == FetchKind::kSubchunk) return {&node, fetch.touched, {}, true};
    return {&node, ReadLeaf::kWholeNode, {}, true};
  }
  if (fetch.kind == FetchKind::kPlain) {
    if (node.size && result.bytes.size() < *node.size) throw_truncated(node, result);
    return {&node, ReadLeaf::kWholeNode, result.bytes, false};
  }
  const uint64_t linear = node.split->linear_index(fetch.touched);
  const ShardIndexEntry& entry = node.index[linear];
  if (result.bytes.size() < entry.nbytes) {
    // The value ends early: its size is known from this answer.
    const uint64_t end = result.value_size.value_or(node.base + entry.offset);
    const uint64_t shard_bytes = end > node.base ? end - node.base : 0;
    throw_corrupt("sharding_indexed: index entry " + std::to_string(linear) + " (offset " +
                  std::to_string(entry.offset) + ", nbytes " + std::to_string(entry.nbytes) +
                  ") exceeds the shard's " + std::to_string(shard_bytes) + " bytes");
  }
  return {&node, fetch.touched, result.bytes, false};
}

void ReadPlan::State::consume(size_t request, std::optional<ByteView> bytes) {
  if (request >= fused_reads.size()) {
    throw_invalid_argument(array_name + ": consume_fused of read " + std::to_string(request) +
                           " of " + std::to_string(fused_reads.size()));
  }
  if (fused_done[request] != 0) {
    throw_invalid_argument(array_name + ": fused read " + std::to_string(request) +
                           " consumed twice");
  }
  fused_done[request] = 1;
  try {
    for (const size_t f : fused_round.fetches_of(request)) {
      const Fetch& fetch = fused_fetches[f];
      ReadLeaf leaf;
      try {
        leaf = leaf_of(fetch, fused_round.result_in(f, bytes));
      } catch (const Error& e) {
        throw in_context(e, *fetch.node, ReadLeaf::kWholeNode);
      }
      if (!leaf.fill && fetch.node->top()) fused_found[f] = 1;
      try {
        engine::run_leaf(leaf, options.validate_checksums);
      } catch (const Error& e) {
        throw in_context(e, *leaf.node, leaf.touched);
      }
    }
  } catch (...) {
    fused_failed.store(true, std::memory_order_relaxed);
    throw;
  }
}

void ReadPlan::State::finish_fused_round() {
  if (fused_failed.load(std::memory_order_relaxed)) {
    throw_invalid_argument(array_name + ": complete_reads after a fused read failed");
  }
  for (size_t i = 0; i < fused_done.size(); ++i) {
    if (fused_done[i] == 0) {
      throw_invalid_argument(array_name + ": complete_reads before fused read " +
                             std::to_string(i) + " (key '" + fused_reads[i].key +
                             "') was consumed");
    }
  }
  for (size_t f = 0; f < fused_fetches.size(); ++f) {
    if (fused_found[f] != 0) present[fused_fetches[f].node->chunk] = true;
  }
}

void ReadPlan::State::complete(std::vector<std::optional<SharedBytes>> answers) {
  if (answers.size() != reads.size()) {
    throw_invalid_argument(array_name + ": complete_reads got " + std::to_string(answers.size()) +
                           " answers for " + std::to_string(reads.size()) + " reads");
  }
  finish_fused_round();
  ++rounds;
  std::vector<ReadLeaf> leaves;
  std::vector<std::pair<ReadNode*, ByteView>> indexes;
  std::vector<std::pair<ReadNode*, ByteView>> whole_shards;
  for (size_t f = 0; f < fetches.size(); ++f) {
    const Fetch& fetch = fetches[f];
    ReadNode& node = *fetch.node;
    const engine::RoundReads::Result result = round.result(f, answers);
    try {
      if (result.missing || fetch.kind == FetchKind::kPlain || fetch.kind == FetchKind::kSubchunk) {
        leaves.push_back(leaf_of(fetch, result));
        if (!result.missing && node.top()) present[node.chunk] = true;
        continue;
      }
      if (node.top()) present[node.chunk] = true;
      switch (fetch.kind) {
        case FetchKind::kPlain:
        case FetchKind::kSubchunk:
          break;  // above
        case FetchKind::kWholeShard:
          if (node.size && result.bytes.size() < *node.size) throw_truncated(node, result);
          whole_shards.emplace_back(&node, result.bytes);
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
  fused_round = engine::RoundReads();
  fused_fetches.clear();
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
  if (s.reads.empty() && s.fused_reads.empty()) {
    throw_invalid_argument(s.array_name + ": the read plan has no reads left");
  }
  try {
    s.complete(std::move(answers));
  } catch (...) {
    // A failed plan asks for nothing more.
    s.reads.clear();
    s.fetches.clear();
    s.fused_reads.clear();
    s.fused_fetches.clear();
    s.fused_done.clear();
    throw;
  }
}

bool ReadPlan::enable_fused_reads() {
  State& s = *state_;
  if (s.fused_enabled) return true;
  if (s.rounds > 0) return false;
  // Plan round 1 again: whole shards become index reads where their subchunks can be fused.
  s.fused_enabled = true;
  s.round = engine::RoundReads();
  s.fetches.clear();
  for (ReadNode& node : s.nodes) s.fetch_node(node);
  s.start_round();
  return true;
}

const std::vector<ReadRequest>& ReadPlan::fused_reads() const { return state_->fused_reads; }

void ReadPlan::consume_fused(size_t i, std::optional<ByteView> bytes) { state_->consume(i, bytes); }

size_t ReadPlan::rounds_completed() const { return state_->rounds; }

const std::vector<bool>& ReadPlan::present() const { return state_->present; }

}  // namespace zarrphase

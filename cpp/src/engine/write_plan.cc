// WritePlan: the rounds of a batch write. Chunks and shards the selection covers entirely need
// no read. A partial plain chunk (or a shard behind compression) is read whole; a partial shard
// reads its index (or all of it, when most of it must be kept anyway), then the subchunks it
// keeps or merges. Compute merges and encodes every touched subchunk of the batch on the pool,
// then each shard is assembled, patched in place, or erased. Nothing is written until every
// chunk has succeeded.
#include <deque>
#include <utility>

#include "engine/plan_batch.h"
#include "engine/range_coalescing.h"
#include "engine/shard_assembly.h"
#include "engine/shard_writes.h"
#include "engine/thread_pool.h"
#include "zarrphase/engine.h"
#include "zarrphase/error.h"

namespace zarrphase {

using engine::WriteNode;

struct WritePlan::State {
  enum class FetchKind : uint8_t { kOldValue, kIndex, kOldSubchunk };
  struct Fetch {
    FetchKind kind;
    WriteNode* node;
    uint64_t linear = 0;  // kOldSubchunk
  };

  std::shared_ptr<const CodecChain> chain;
  std::vector<ChunkSelection> batch;
  StridedArray value;
  EngineOptions options;
  std::string array_name;
  engine::BatchKeys keys;
  std::unique_ptr<engine::ChainLevel> root;
  bool scalar = false;
  std::deque<WriteNode> nodes;

  engine::RoundReads round;
  std::vector<Fetch> fetches;  // parallel to round's fetches
  std::vector<ReadRequest> reads;
  size_t rounds = 0;
  // Every answer so far: kept subchunks and old values point into them until the writes exist.
  std::vector<std::vector<std::optional<SharedBytes>>> answers_kept;
  bool failed = false;
  bool taken = false;

  const std::string& key(const WriteNode& node) const {
    return keys.keys[keys.key_of_chunk[node.chunk]];
  }
  Error in_context(const Error& e, const WriteNode& node) const {
    return e.with_context(engine::chunk_context(array_name, key(node)));
  }

  void add_fetch(FetchKind kind, WriteNode& node, ByteRange range, uint64_t linear = 0) {
    round.add(keys.key_of_chunk[node.chunk], range);
    fetches.push_back({kind, &node, linear});
    node.awaiting = true;
  }

  void fetch_old_subchunks(WriteNode& node, bool include_untouched) {
    for (const uint64_t linear : engine::old_subchunks_to_fetch(node, include_untouched)) {
      const ShardIndexEntry& entry = node.index[linear];
      add_fetch(FetchKind::kOldSubchunk, node, ByteRange::range(entry.offset, entry.nbytes),
                linear);
    }
  }

  // Plans the first read of a node: none when it is overwritten entirely.
  void plan_first(WriteNode& node) {
    if (node.whole) return;
    if (!node.by_subchunk) {
      add_fetch(FetchKind::kOldValue, node, ByteRange::all());
      return;
    }
    const ShardLayout& layout = *node.level->layout;
    const double kept = static_cast<double>(engine::subchunks_needing_old_bytes(node)) /
                        static_cast<double>(layout.num_subchunks());
    if (!node.in_place && kept >= options.whole_shard_fraction) {
      add_fetch(FetchKind::kOldValue, node, ByteRange::all());
    } else {
      add_fetch(FetchKind::kIndex, node, layout.index_range());
    }
  }

  void start_round() {
    reads = round.build(keys.keys, options.coalesce_max_gap_bytes, options.coalesce_max_bytes);
  }

  void take_answer(const Fetch& fetch, const engine::RoundReads::Result& result);
  void complete(std::vector<std::optional<SharedBytes>> answers);
  void compute();
};

void WritePlan::State::take_answer(const Fetch& fetch, const engine::RoundReads::Result& result) {
  WriteNode& node = *fetch.node;
  switch (fetch.kind) {
    case FetchKind::kOldValue:
      if (result.missing) {
        node.stored = WriteNode::Stored::kMissing;
        return;
      }
      node.stored = WriteNode::Stored::kPresent;
      node.old_value = result.bytes;
      if (node.by_subchunk) engine::index_whole_shard(node);
      return;
    case FetchKind::kIndex: {
      if (result.missing) {
        node.stored = WriteNode::Stored::kMissing;
        return;
      }
      const ShardLayout& layout = *node.level->layout;
      if (result.bytes.size() < layout.index_encoded_size()) {
        throw_corrupt("sharding_indexed: shard has " + std::to_string(result.bytes.size()) +
                      " bytes, fewer than its " + std::to_string(layout.index_encoded_size()) +
                      "-byte index");
      }
      node.index = layout.decode_index(result.bytes, UINT64_MAX);
      node.stored = WriteNode::Stored::kPresent;
      node.old_subchunks.assign(node.index.size(), ByteView{});
      fetch_old_subchunks(node, /*include_untouched=*/!node.in_place);
      return;
    }
    case FetchKind::kOldSubchunk: {
      const ShardIndexEntry& entry = node.index[fetch.linear];
      if (result.missing) {
        throw_corrupt("sharding_indexed: the shard disappeared between two rounds of reads");
      }
      if (result.bytes.size() < entry.nbytes) {
        const uint64_t size = result.value_size.value_or(entry.offset);
        throw_corrupt("sharding_indexed: index entry " + std::to_string(fetch.linear) +
                      " (offset " + std::to_string(entry.offset) + ", nbytes " +
                      std::to_string(entry.nbytes) + ") exceeds the shard's " +
                      std::to_string(size) + " bytes");
      }
      node.old_subchunks[fetch.linear] = result.bytes;
      return;
    }
  }
}

void WritePlan::State::complete(std::vector<std::optional<SharedBytes>> answers) {
  if (answers.size() != reads.size()) {
    throw_invalid_argument(array_name + ": complete_reads got " + std::to_string(answers.size()) +
                           " answers for " + std::to_string(reads.size()) + " reads");
  }
  ++rounds;
  answers_kept.push_back(std::move(answers));
  const std::vector<std::optional<SharedBytes>>& kept = answers_kept.back();
  const engine::RoundReads current = std::move(round);
  const std::vector<Fetch> current_fetches = std::move(fetches);
  round = engine::RoundReads();
  fetches.clear();
  for (const Fetch& fetch : current_fetches) fetch.node->awaiting = false;
  for (size_t f = 0; f < current_fetches.size(); ++f) {
    try {
      take_answer(current_fetches[f], current.result(f, kept));
    } catch (const Error& e) {
      throw in_context(e, *current_fetches[f].node);
    }
  }
  compute();
  start_round();
}

void WritePlan::State::compute() {
  std::vector<WriteNode*> ready;
  for (WriteNode& node : nodes) {
    if (!node.done && !node.awaiting) ready.push_back(&node);
  }
  std::vector<std::pair<WriteNode*, size_t>> leaves;
  uint64_t leaf_total = 0;
  for (WriteNode* node : ready) {
    if (node->computed) continue;
    for (size_t leaf = 0; leaf < engine::leaf_count(*node); ++leaf) {
      leaves.emplace_back(node, leaf);
      leaf_total += engine::leaf_decoded_bytes(*node);
    }
  }
  engine::parallel_for(
      leaves.size(),
      [&](size_t i) {
        try {
          engine::encode_leaf(*leaves[i].first, leaves[i].second, options, scalar);
        } catch (const Error& e) {
          throw in_context(e, *leaves[i].first);
        }
      },
      leaves.empty() ? 0 : leaf_total / leaves.size());
  for (WriteNode* node : ready) node->computed = true;

  std::vector<char> finished(ready.size(), 0);
  engine::parallel_for(
      ready.size(),
      [&](size_t i) {
        try {
          finished[i] = engine::finish_node(*ready[i], key(*ready[i])) ? 1 : 0;
        } catch (const Error& e) {
          throw in_context(e, *ready[i]);
        }
      },
      ready.empty() ? 0 : engine::leaf_decoded_bytes(*ready.front()));
  for (size_t i = 0; i < ready.size(); ++i) {
    if (!finished[i]) fetch_old_subchunks(*ready[i], /*include_untouched=*/true);
  }
}

WritePlan::WritePlan(std::shared_ptr<const CodecChain> chain, std::vector<ChunkSelection> batch,
                     StridedArray value, EngineOptions options, std::string array_name)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  if (!chain) throw_invalid_argument(array_name + ": WritePlan needs a codec chain");
  s.chain = std::move(chain);
  s.batch = std::move(batch);
  s.value = std::move(value);
  s.options = options;
  s.array_name = std::move(array_name);
  s.keys = engine::validate_batch(s.batch, *s.chain, s.value, s.array_name, true);
  s.root = engine::analyze_chain(*s.chain, options.subchunk_write_order);
  s.scalar = engine::is_broadcast_scalar(s.value);
  for (size_t i = 0; i < s.batch.size(); ++i) {
    if (engine::selected_elements(s.batch[i]) == 0) continue;  // writes nothing
    WriteNode& node = s.nodes.emplace_back();
    engine::init_write_node(node, *s.root, i, s.batch[i], s.value, s.options);
    s.plan_first(node);
  }
  s.start_round();
}

WritePlan::~WritePlan() = default;
WritePlan::WritePlan(WritePlan&&) noexcept = default;
WritePlan& WritePlan::operator=(WritePlan&&) noexcept = default;

const std::vector<ReadRequest>& WritePlan::reads() const { return state_->reads; }

void WritePlan::complete_reads(std::vector<std::optional<Bytes>> answers) {
  complete_reads_shared(engine::adopt_answers(std::move(answers)));
}

void WritePlan::complete_reads_shared(std::vector<std::optional<SharedBytes>> answers) {
  State& s = *state_;
  if (s.reads.empty()) {
    throw_invalid_argument(s.array_name + ": the write plan has no reads left");
  }
  try {
    s.complete(std::move(answers));
  } catch (...) {
    // A failed write asks for nothing more and writes nothing.
    s.failed = true;
    s.reads.clear();
    s.fetches.clear();
    throw;
  }
}

std::vector<StoreWrite> WritePlan::take_writes() {
  State& s = *state_;
  if (s.failed || s.taken) return {};
  if (!s.reads.empty()) {
    throw_invalid_argument(s.array_name + ": take_writes() called with " +
                           std::to_string(s.reads.size()) + " reads still to complete");
  }
  try {
    s.compute();  // chunks that needed no read at all
  } catch (...) {
    s.failed = true;
    throw;
  }
  s.taken = true;
  std::vector<StoreWrite> writes;
  for (WriteNode& node : s.nodes) {
    for (StoreWrite& write : node.writes) writes.push_back(std::move(write));
  }
  s.answers_kept.clear();
  return writes;
}

size_t WritePlan::rounds_completed() const { return state_->rounds; }

}  // namespace zarrphase

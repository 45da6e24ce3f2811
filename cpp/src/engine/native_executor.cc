// execute(): the plan loop for the native stores. Each round's requests are grouped by key, one
// get_ranges_shared per key (the memory store lends its values, no copy), the keys read in
// parallel; then the writes are applied, also in parallel.
// Reads are IO, not compute, but the pool's threads are the right number to keep a local
// filesystem (pread from the page cache, which is a memcpy) or a memory store busy, and its
// inline threshold keeps small rounds off the pool.
#include <algorithm>
#include <unordered_map>
#include <utility>

#include "engine/thread_pool.h"
#include "zarrphase/engine.h"
#include "zarrphase/error.h"

namespace zarrphase {
namespace {

// A guess for bytes the request does not bound (whole values): large enough to count as work.
constexpr uint64_t kUnknownReadBytes = 1 << 20;

struct KeyReads {
  const std::string* key = nullptr;
  std::vector<ByteRange> ranges;
  std::vector<size_t> positions;  // of each range in the round's reads
};

std::vector<KeyReads> group_by_key(const std::vector<ReadRequest>& reads, uint64_t* bytes) {
  std::vector<KeyReads> groups;
  std::unordered_map<std::string_view, size_t> group_of;
  *bytes = 0;
  for (size_t i = 0; i < reads.size(); ++i) {
    const auto [it, inserted] = group_of.emplace(reads[i].key, groups.size());
    if (inserted) groups.push_back({&reads[i].key, {}, {}});
    KeyReads& group = groups[it->second];
    group.ranges.push_back(reads[i].range);
    group.positions.push_back(i);
    const ByteRange& r = reads[i].range;
    *bytes += r.kind == ByteRange::Kind::kRange || r.kind == ByteRange::Kind::kSuffix
                  ? r.length
                  : kUnknownReadBytes;
  }
  return groups;
}

}  // namespace

EngineOptions EngineOptions::for_remote_store() {
  EngineOptions options;
  // A request to object storage costs tens of milliseconds before its first byte, in which
  // several megabytes could have streamed: merge ranges across megabyte gaps (obstore's
  // default coalescing gap is 1 MiB), allow large merged requests, and skip the index round
  // once a quarter of a shard is wanted.
  options.coalesce_max_gap_bytes = 1 << 20;
  options.coalesce_max_bytes = 64 << 20;
  options.whole_shard_fraction = 0.25;
  return options;
}

void Plan::complete_reads_shared(std::vector<std::optional<SharedBytes>> answers) {
  std::vector<std::optional<Bytes>> owned(answers.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    if (answers[i]) owned[i] = to_bytes(answers[i]->bytes);
  }
  answers.clear();  // the copies stand in for the lent bytes from here on
  complete_reads(std::move(owned));
}

void apply_write(const StoreWrite& write, Store& store) {
  switch (write.kind) {
    case StoreWrite::Kind::kSet:
      store.set(write.key, write.value);
      break;
    case StoreWrite::Kind::kErase:
      store.erase(write.key);
      break;
    case StoreWrite::Kind::kSetRange:
      store.set_range(write.key, write.offset, write.value);
      break;
  }
}

ExecutionStats execute(Plan& plan, Store& store) {
  ExecutionStats stats;
  while (!plan.reads().empty()) {
    const std::vector<ReadRequest>& reads = plan.reads();
    uint64_t round_bytes = 0;
    const std::vector<KeyReads> groups = group_by_key(reads, &round_bytes);
    std::vector<std::optional<SharedBytes>> answers(reads.size());
    engine::parallel_for(
        groups.size(),
        [&](size_t g) {
          const KeyReads& group = groups[g];
          std::optional<std::vector<SharedBytes>> values =
              store.get_ranges_shared(*group.key, group.ranges);
          if (!values) return;  // missing key: every answer stays nullopt
          if (values->size() != group.ranges.size()) {
            throw Error(ErrorCode::kIo, "store returned " + std::to_string(values->size()) +
                                            " ranges of key '" + *group.key + "' for " +
                                            std::to_string(group.ranges.size()) + " requested");
          }
          for (size_t i = 0; i < group.positions.size(); ++i) {
            answers[group.positions[i]] = std::move((*values)[i]);
          }
        },
        groups.empty() ? 0 : round_bytes / groups.size());
    stats.read_requests += reads.size();
    for (const std::optional<SharedBytes>& answer : answers) {
      if (answer) stats.bytes_read += answer->bytes.size();
    }
    plan.complete_reads_shared(std::move(answers));
  }
  stats.rounds = plan.rounds_completed();

  std::vector<StoreWrite> writes = plan.take_writes();
  uint64_t write_bytes = 0;
  for (const StoreWrite& write : writes) {
    if (write.kind == StoreWrite::Kind::kSetRange && !store.supports_set_range()) {
      // Before any write: a store that cannot patch must not be left half-updated.
      throw_unsupported("key '" + write.key +
                        "': write_ranges_in_place needs a store that supports set_range");
    }
    write_bytes += write.value.size();
  }
  engine::parallel_for(
      writes.size(), [&](size_t i) { apply_write(writes[i], store); },
      writes.empty() ? 0 : std::max<uint64_t>(write_bytes / writes.size(), 1));
  for (const StoreWrite& write : writes) {
    if (write.kind == StoreWrite::Kind::kErase) {
      ++stats.erases;
    } else {
      ++stats.writes;
    }
  }
  return stats;
}

}  // namespace zarrphase

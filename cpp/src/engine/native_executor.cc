// execute(): the plan loop for the native stores. Each round's requests are grouped by key, one
// get_ranges_shared per key (the memory store lends its values, no copy), the keys read in
// parallel; then the writes are applied, also in parallel. For a store that prefers
// visit_ranges (local files), the plan's fused reads go through it instead: each range is read
// into the thread's cache-resident buffer and computed by the plan before the next one is read,
// instead of every answer of the round being written out to memory and read back for the
// compute: the bytes go from the page cache to the output through the cache.
// Reads are IO, not compute, but the pool's threads are the right number to keep a local
// filesystem (pread from the page cache, which is a memcpy) or a memory store busy, and its
// inline threshold keeps small rounds off the pool.
#include <algorithm>
#include <unordered_map>
#include <utility>

#include "engine/thread_pool.h"
#include "zarrphase/config.h"
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

// Fused reads are split into tasks of about this many bytes (at least), so that the compute
// they carry spreads over the pool even when one key holds all of it (a single shard), while
// each task still opens its file only once per megabyte or more.
constexpr uint64_t kMinFusedTaskBytes = 1 << 20;
// Tasks per pool thread for a large round: enough to balance, few enough to amortise the opens.
constexpr uint64_t kFusedTasksPerThread = 8;

uint64_t request_bytes(const ByteRange& r) {
  return r.kind == ByteRange::Kind::kRange || r.kind == ByteRange::Kind::kSuffix
             ? r.length
             : kUnknownReadBytes;
}

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
    *bytes += request_bytes(reads[i].range);
  }
  return groups;
}

// The fused reads grouped by key, each key's reads cut into runs of at least `task_bytes`.
std::vector<KeyReads> fused_tasks(const std::vector<ReadRequest>& reads, uint64_t* bytes) {
  std::vector<KeyReads> groups = group_by_key(reads, bytes);
  if (groups.empty()) return groups;
  const uint64_t task_bytes = std::max(
      kMinFusedTaskBytes, *bytes / std::max<uint64_t>(1, thread_count() * kFusedTasksPerThread));
  std::vector<KeyReads> tasks;
  for (KeyReads& group : groups) {
    uint64_t filled = 0;
    for (size_t i = 0; i < group.ranges.size(); ++i) {
      if (i == 0 || filled >= task_bytes) {
        tasks.push_back({group.key, {}, {}});
        filled = 0;
      }
      tasks.back().ranges.push_back(group.ranges[i]);
      tasks.back().positions.push_back(group.positions[i]);
      filled += request_bytes(group.ranges[i]);
    }
  }
  return tasks;
}

// Reads one group of ordinary reads into `answers`.
void read_group(Store& store, const KeyReads& group,
                std::vector<std::optional<SharedBytes>>& answers) {
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
}

// Reads one task of fused reads, each consumed by the plan as it arrives; returns bytes read.
uint64_t read_fused(Plan& plan, Store& store, const KeyReads& task) {
  uint64_t bytes = 0;
  const bool found = store.visit_ranges(*task.key, task.ranges, [&](size_t i, ByteView value) {
    if (i >= task.positions.size()) {
      throw Error(ErrorCode::kIo, "store visited range " + std::to_string(i) + " of key '" +
                                      *task.key + "' but " + std::to_string(task.ranges.size()) +
                                      " were requested");
    }
    bytes += value.size();
    plan.consume_fused(task.positions[i], value);
  });
  if (!found) {
    for (const size_t position : task.positions) plan.consume_fused(position, std::nullopt);
  }
  return bytes;
}

}  // namespace

const std::vector<ReadRequest>& Plan::fused_reads() const {
  static const std::vector<ReadRequest> kNone;
  return kNone;
}

void Plan::consume_fused(size_t i, std::optional<ByteView> /*bytes*/) {
  throw_invalid_argument("consume_fused(" + std::to_string(i) + "): the plan has no fused reads");
}

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
  if (store.prefers_visit_ranges()) plan.enable_fused_reads();
  while (!plan.reads().empty() || !plan.fused_reads().empty()) {
    const std::vector<ReadRequest>& reads = plan.reads();
    const std::vector<ReadRequest>& fused = plan.fused_reads();
    uint64_t round_bytes = 0;
    uint64_t fused_bytes = 0;
    const std::vector<KeyReads> groups = group_by_key(reads, &round_bytes);
    const std::vector<KeyReads> tasks = fused_tasks(fused, &fused_bytes);
    std::vector<std::optional<SharedBytes>> answers(reads.size());
    std::vector<uint64_t> task_bytes(tasks.size(), 0);
    // One loop over both kinds, so ordinary reads and fused compute share the pool.
    const size_t jobs = groups.size() + tasks.size();
    engine::parallel_for(
        jobs,
        [&](size_t j) {
          if (j < groups.size()) {
            read_group(store, groups[j], answers);
          } else {
            task_bytes[j - groups.size()] = read_fused(plan, store, tasks[j - groups.size()]);
          }
        },
        jobs == 0 ? 0 : (round_bytes + fused_bytes) / jobs);
    stats.read_requests += reads.size() + fused.size();
    for (const std::optional<SharedBytes>& answer : answers) {
      if (answer) stats.bytes_read += answer->bytes.size();
    }
    for (const uint64_t bytes : task_bytes) stats.bytes_read += bytes;
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

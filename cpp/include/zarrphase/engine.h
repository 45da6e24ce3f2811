// zarrphase/engine.h — the sans-IO engine: read and write plans for a batch of chunks.
//
// Every read or write runs in three phases (docs/architecture.md):
//   1. preparatory IO: the plan says which (key, byte range) pairs it needs, in few wide rounds —
//      whole chunks and every shard index of the batch in round 1, then only the touched
//      subchunks, nearby ranges merged;
//   2. compute: decode, merge, encode, verify and scatter, in parallel on the process-wide
//      thread pool (config.h), no IO;
//   3. final IO (writes): the keys to set or erase.
//
// A plan never calls a store. Whoever holds the store drives it:
//
//   ReadPlan plan(chain, std::move(batch), out, options, "array 'temperature'");
//   while (!plan.reads().empty()) {
//     std::vector<std::optional<Bytes>> answers = fetch(plan.reads());  // any order of IO
//     plan.complete_reads(std::move(answers));                            // compute runs here
//   }
//   for (StoreWrite& w : plan.take_writes()) apply(w);                    // writes only
//
// `execute(plan, store)` is that loop for the native stores (store.h), with each round's reads
// issued in parallel.
//
// Fused reads are an optimisation an executor may opt into (enable_fused_reads): reads whose
// compute the executor runs itself, handing each one's bytes to consume_fused() on the thread
// that read them, right away. The bytes need not outlive that call, so a store can read every
// such value into one buffer that stays in the CPU's cache (Store::visit_ranges) instead of
// writing all of a round's bytes out to memory and reading them back for the compute. The plan
// still never calls a store; executors that do not opt in see every read in reads(). The Python
// package implements the same loop over zarr-python's async stores. A plan is single-use and not
// thread-safe; the compute inside it is parallel.
//
// Errors (zarrphase::Error) name the array and the key: a corrupt chunk, a bad shard index entry,
// a checksum mismatch. A write plan throws before take_writes() returns anything, so a failed
// write changes nothing in the store.
#ifndef ZARRPHASE_ENGINE_H_
#define ZARRPHASE_ENGINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zarrphase/buffer.h"
#include "zarrphase/codec.h"
#include "zarrphase/selection.h"
#include "zarrphase/store.h"

namespace zarrphase {

// The physical order of subchunks inside a shard we write (zarr-python's subchunk_write_order).
// Morton is zarr-python's default: dimension 0 in the lowest bit. Unordered writes subchunks in
// the order they finish encoding (fastest; layouts then differ run to run).
enum class SubchunkWriteOrder : uint8_t { kMorton, kLexicographic, kColexicographic, kUnordered };

struct EngineOptions {
  // Verify crc32c (and other checksum codecs) when decoding. Off trades safety for speed.
  bool validate_checksums = true;
  // When false, a chunk or subchunk whose every element equals the fill value is not stored
  // (and erased when present); a shard left with no subchunk is erased.
  bool write_empty_chunks = false;
  SubchunkWriteOrder subchunk_write_order = SubchunkWriteOrder::kMorton;
  // Two subchunk ranges of one shard are fetched as one request when the gap between them is at
  // most this many bytes and the merged request stays within coalesce_max_bytes.
  uint64_t coalesce_max_gap_bytes = 64 << 10;
  uint64_t coalesce_max_bytes = 16 << 20;
  // Fetch the whole shard in one request (no index round) when at least this fraction of its
  // subchunks is wanted.
  double whole_shard_fraction = 0.5;
  // Partial writes that change only fixed-size subchunks overwrite their bytes in place
  // (StoreWrite::kSetRange) instead of rewriting the shard. Not atomic; off by default.
  bool write_ranges_in_place = false;

  // Defaults for stores where a request costs little (memory, local files) and for remote ones
  // (object storage, HTTP), where wide merges save round trips.
  static EngineOptions for_local_store() { return {}; }
  static EngineOptions for_remote_store();
};

// One read of a round: a byte range of a key.
struct ReadRequest {
  std::string key;
  ByteRange range;
  friend bool operator==(const ReadRequest&, const ReadRequest&) = default;
};

// One store update of a write's final IO.
struct StoreWrite {
  enum class Kind : uint8_t { kSet, kErase, kSetRange };
  Kind kind = Kind::kSet;
  std::string key;
  uint64_t offset = 0;  // kSetRange only
  Bytes value;          // kSet, kSetRange
};

// The protocol shared by reads and writes (see the top of this file).
class Plan {
 public:
  virtual ~Plan() = default;
  // The reads of the current round; empty once no more reads are needed.
  virtual const std::vector<ReadRequest>& reads() const = 0;
  // The answers to reads(), in the same order: the bytes, or nullopt when the key is missing.
  // Runs the compute the answers unlock and plans the next round.
  virtual void complete_reads(std::vector<std::optional<Bytes>> answers) = 0;
  // complete_reads with answers that borrow their bytes (Store::get_ranges_shared), so a store
  // that can lend its values is never copied from. The plan keeps the owners alive as long as
  // it needs the bytes. The default copies them into complete_reads.
  virtual void complete_reads_shared(std::vector<std::optional<SharedBytes>> answers);
  // Asks the plan to list the reads it can compute on arrival in fused_reads() from now on;
  // returns whether it will. Only before the first round completes (else false). Read plans
  // fuse reads of uncompressed chunks and subchunks; write plans fuse nothing.
  virtual bool enable_fused_reads() { return false; }
  // The fused reads of the current round. Once they are enabled the plan is done when both
  // reads() and fused_reads() are empty (a round may have only fused reads).
  virtual const std::vector<ReadRequest>& fused_reads() const;
  // The bytes of fused read `i` (nullopt: the key does not exist): runs its compute now, on the
  // calling thread, and keeps no reference to `bytes`. Call it once for every fused read of the
  // round, from any threads (different reads at once), then complete_reads with the answers
  // to reads() (possibly none). Throws what complete_reads would have; the round is then failed
  // and complete_reads throws too.
  virtual void consume_fused(size_t i, std::optional<ByteView> bytes);
  // Final IO, once reads() is empty. Reads return nothing; a second call returns nothing.
  virtual std::vector<StoreWrite> take_writes() { return {}; }
  // Rounds of reads completed so far.
  virtual size_t rounds_completed() const = 0;
};

// Reads a batch of chunks of one array into `out`. Chunks whose key is missing, and subchunks
// whose index entry is empty, read as the fill value.
class ReadPlan : public Plan {
 public:
  // `chain` is the array's codec chain (its decoded spec is one whole chunk), `array_name` goes
  // into error messages. `out` must stay valid until the plan completes.
  ReadPlan(std::shared_ptr<const CodecChain> chain, std::vector<ChunkSelection> batch,
           StridedArray out, EngineOptions options, std::string array_name);
  ~ReadPlan() override;
  ReadPlan(ReadPlan&&) noexcept;
  ReadPlan& operator=(ReadPlan&&) noexcept;

  const std::vector<ReadRequest>& reads() const override;
  void complete_reads(std::vector<std::optional<Bytes>> answers) override;
  void complete_reads_shared(std::vector<std::optional<SharedBytes>> answers) override;
  bool enable_fused_reads() override;
  const std::vector<ReadRequest>& fused_reads() const override;
  void consume_fused(size_t i, std::optional<ByteView> bytes) override;
  size_t rounds_completed() const override;

  // Per chunk of the batch, once complete: whether its key existed (zarr-python's GetResult).
  const std::vector<bool>& present() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// Writes `value` into a batch of chunks of one array. Chunks covered completely are encoded
// without reading; partial chunks and shards read what they must and merge.
class WritePlan : public Plan {
 public:
  // `value` has the caller's shape (zero strides broadcast, e.g. a scalar) and must stay valid
  // until take_writes() has returned.
  WritePlan(std::shared_ptr<const CodecChain> chain, std::vector<ChunkSelection> batch,
            StridedArray value, EngineOptions options, std::string array_name);
  ~WritePlan() override;
  WritePlan(WritePlan&&) noexcept;
  WritePlan& operator=(WritePlan&&) noexcept;

  const std::vector<ReadRequest>& reads() const override;
  void complete_reads(std::vector<std::optional<Bytes>> answers) override;
  void complete_reads_shared(std::vector<std::optional<SharedBytes>> answers) override;
  std::vector<StoreWrite> take_writes() override;
  size_t rounds_completed() const override;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// Counts of what an execution did, for tests and benchmarks.
struct ExecutionStats {
  size_t rounds = 0;
  size_t read_requests = 0;  // fused reads included
  uint64_t bytes_read = 0;
  size_t writes = 0;
  size_t erases = 0;
};

// Applies one store update of a write's final IO (set, erase or range patch).
void apply_write(const StoreWrite& write, Store& store);

// Runs `plan` to completion against a native store: each round's reads in parallel (one
// get_ranges_shared per key; fused reads, when the store prefers_visit_ranges, through
// visit_ranges), then the final writes.
ExecutionStats execute(Plan& plan, Store& store);

}  // namespace zarrphase

#endif  // ZARRPHASE_ENGINE_H_

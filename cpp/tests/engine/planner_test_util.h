// Test helpers for the planner: batches built from selections of a whole array (chunk grid
// intersection, the job the Array API does for real callers), a plain in-memory model array to
// check reads and writes against, caller arrays in several memory layouts, and a store wrapper
// that counts requests.
#ifndef ZARRPHASE_TESTS_ENGINE_PLANNER_TEST_UTIL_H_
#define ZARRPHASE_TESTS_ENGINE_PLANNER_TEST_UTIL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "zarrphase/buffer.h"
#include "zarrphase/codec.h"
#include "zarrphase/dtype.h"
#include "zarrphase/selection.h"
#include "zarrphase/store.h"

namespace zarrphase::testing {

// "c/0/1": the default Zarr v3 chunk key ("c" for rank 0).
std::string ChunkKey(std::span<const uint64_t> coords);

// The batch for an orthogonal selection of an array (per array dimension a range, an index list
// or a dropped index, in array coordinates): one ChunkSelection per chunk of the regular grid it
// touches, with caller dimensions for the non-dropped array dimensions in order.
std::vector<ChunkSelection> OrthogonalBatch(std::span<const uint64_t> shape,
                                            std::span<const uint64_t> chunk_shape,
                                            const std::vector<DimSelection>& selection);
// The box [start, stop) of an array with optional steps.
std::vector<ChunkSelection> BoxBatch(std::span<const uint64_t> shape,
                                     std::span<const uint64_t> chunk_shape,
                                     std::vector<uint64_t> start, std::vector<uint64_t> stop,
                                     std::vector<uint64_t> step = {});
// A pointwise selection: point i (array coordinates) goes to place i of a 1-d caller array.
std::vector<ChunkSelection> PointsBatch(std::span<const uint64_t> shape,
                                        std::span<const uint64_t> chunk_shape,
                                        const std::vector<std::vector<uint64_t>>& points);

// The caller shape of an orthogonal selection (sizes of the non-dropped dimensions).
std::vector<uint64_t> CallerShape(const std::vector<DimSelection>& selection);
// Flat C-order array positions of the selected elements, in caller C order.
std::vector<uint64_t> SelectedPositions(std::span<const uint64_t> shape,
                                        const std::vector<DimSelection>& selection);
std::vector<uint64_t> PointPositions(std::span<const uint64_t> shape,
                                     const std::vector<std::vector<uint64_t>>& points);

// The array as it should read: C-ordered elements.
class ModelArray {
 public:
  ModelArray(std::vector<uint64_t> shape, size_t element_size, ByteView fill);
  const std::vector<uint64_t>& shape() const { return shape_; }
  size_t element_size() const { return element_size_; }
  // Element `position` (flat C index).
  ByteView at(uint64_t position) const;
  void set(uint64_t position, ByteView element);
  // True when every element in the box of chunk `coords` (clipped to the array) is the fill.
  bool chunk_is_fill(std::span<const uint64_t> chunk_shape, std::span<const uint64_t> coords) const;
  const Bytes& bytes() const { return data_; }

 private:
  std::vector<uint64_t> shape_;
  size_t element_size_;
  Bytes fill_;
  Bytes data_;
};

// A caller array of `shape` in one of several layouts over memory this object owns.
class CallerArray {
 public:
  enum class Layout { kContiguous, kPadded, kReversed, kBroadcast };
  CallerArray(std::vector<uint64_t> shape, size_t element_size, Layout layout);
  const StridedArray& array() const { return array_; }
  uint64_t size() const { return count_; }
  // Element i in C order of the caller's shape (kBroadcast: the one element).
  MutableByteView element(uint64_t i);
  ByteView element(uint64_t i) const;

 private:
  std::vector<uint64_t> shape_;
  size_t element_size_;
  uint64_t count_ = 1;
  Bytes memory_;
  int64_t origin_ = 0;
  StridedArray array_;
};

// The stored bytes of one element of `dtype` for a small integer `k` (exact in every type).
Bytes Element(DataType dtype, int k);

// Zarr v3 codec JSON helpers.
nlohmann::json BytesJson();
nlohmann::json ShardingJson(std::vector<uint64_t> subchunk_shape, nlohmann::json inner,
                            const char* index_location = "end");

// A chain for chunks of `chunk_shape`.
std::shared_ptr<const CodecChain> MakeChain(const nlohmann::json& codecs, DataType dtype,
                                            std::vector<uint64_t> chunk_shape, ByteView fill);

// Forwards to a store and counts what reaches it.
class CountingStore : public Store {
 public:
  explicit CountingStore(std::shared_ptr<Store> inner) : inner_(std::move(inner)) {}
  std::optional<Bytes> get(std::string_view key, ByteRange range) override;
  std::optional<std::vector<Bytes>> get_ranges(std::string_view key,
                                               std::span<const ByteRange> ranges) override;
  std::optional<uint64_t> size(std::string_view key) override { return inner_->size(key); }
  void set(std::string_view key, ByteView value) override;
  bool supports_set_range() const override { return inner_->supports_set_range(); }
  void set_range(std::string_view key, uint64_t offset, ByteView value) override;
  void erase(std::string_view key) override;
  std::vector<std::string> list(std::string_view prefix) override { return inner_->list(prefix); }

  // Calls that read (get or get_ranges), ranges read, and bytes returned.
  size_t read_calls() const { return read_calls_; }
  size_t ranges_read() const { return ranges_read_; }
  uint64_t bytes_read() const { return bytes_read_; }
  size_t sets() const { return sets_; }
  size_t set_ranges() const { return set_ranges_; }
  size_t erases() const { return erases_; }
  void reset();

 private:
  std::shared_ptr<Store> inner_;
  std::atomic<size_t> read_calls_{0};
  std::atomic<size_t> ranges_read_{0};
  std::atomic<uint64_t> bytes_read_{0};
  std::atomic<size_t> sets_{0};
  std::atomic<size_t> set_ranges_{0};
  std::atomic<size_t> erases_{0};
};

// A CountingStore that prefers visit_ranges, so execute() runs a read plan's fused reads
// through it (with the inner store's visit_ranges: the default, over get_ranges_shared, for the
// memory store), and counts them.
class VisitingStore : public CountingStore {
 public:
  explicit VisitingStore(std::shared_ptr<Store> inner)
      : CountingStore(inner), visited_(std::move(inner)) {}
  bool visit_ranges(std::string_view key, std::span<const ByteRange> ranges,
                    const RangeVisitor& visit) override {
    ++visit_calls_;
    ranges_visited_ += ranges.size();
    return visited_->visit_ranges(key, ranges, visit);
  }
  bool prefers_visit_ranges() const override { return true; }

  size_t visit_calls() const { return visit_calls_; }
  size_t ranges_visited() const { return ranges_visited_; }

 private:
  std::shared_ptr<Store> visited_;
  std::atomic<size_t> visit_calls_{0};
  std::atomic<size_t> ranges_visited_{0};
};

}  // namespace zarrphase::testing

#endif  // ZARRPHASE_TESTS_ENGINE_PLANNER_TEST_UTIL_H_

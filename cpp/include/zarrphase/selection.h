// zarrphase/selection.h — which elements of a chunk a read or write touches, and where they go.
//
// The engine takes a batch in the shape zarr-python hands its codec pipeline: for each chunk,
// its grid coordinates, a selection inside the chunk and the matching selection in the caller's
// array (the output of a read, the value of a write). Both sides are described per dimension as a
// strided range or a list of indices; boolean masks arrive as the index list of their true
// entries. Two shapes of selection exist:
//
//   orthogonal (basic and oindex): the selected elements are the cartesian product of the chunk
//     dimensions' selections. A chunk dimension marked `drop` (an integer index) selects one
//     element and has no dimension in the caller's array; every other chunk dimension pairs, in
//     order, with one dimension of the caller's array, and both select the same count.
//   pointwise (vindex / coordinate and mask selection): every chunk dimension holds an index list
//     of the same length n; point i is (chunk[0].indices[i], chunk[1].indices[i], ...). The
//     caller's array has exactly one selected dimension of count n, which names where each point
//     goes.
//
// Ranges have a positive step. Everything is checked against the chunk and caller shapes before
// any IO (kInvalidArgument), so a bad selection never reads or writes a byte.
#ifndef ZARRPHASE_SELECTION_H_
#define ZARRPHASE_SELECTION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace zarrphase {

// The elements of one dimension: start, start + step, ... (count of them), or an index list.
struct DimSelection {
  enum class Kind : uint8_t { kRange, kIndices };
  Kind kind = Kind::kRange;
  uint64_t start = 0;
  uint64_t step = 1;
  uint64_t count = 0;             // kRange only; see size()
  std::vector<uint64_t> indices;  // kIndices only
  // A chunk dimension selected by an integer: one element, no dimension in the caller's array.
  bool drop = false;

  static DimSelection range(uint64_t start, uint64_t count, uint64_t step = 1) {
    return {Kind::kRange, start, step, count, {}, false};
  }
  static DimSelection all(uint64_t extent) { return range(0, extent); }
  static DimSelection index(uint64_t i) { return {Kind::kRange, i, 1, 1, {}, true}; }
  static DimSelection list(std::vector<uint64_t> indices) {
    return {Kind::kIndices, 0, 1, 0, std::move(indices), false};
  }

  uint64_t size() const { return kind == Kind::kRange ? count : indices.size(); }
  // The i-th selected position.
  uint64_t at(uint64_t i) const { return kind == Kind::kRange ? start + i * step : indices[i]; }
  // True for a step-1 range covering [0, extent).
  bool is_all(uint64_t extent) const {
    return kind == Kind::kRange && start == 0 && step == 1 && count == extent && !drop;
  }
};

// One chunk of a batch: its store key, what of it is selected, and where the selected elements
// are in the caller's array. The key is all the engine needs to find the chunk (zarr-python hands
// its pipeline keys, not grid coordinates); its grid coordinates ride along for callers that
// have them.
struct ChunkSelection {
  std::string key;  // the chunk's full store key, e.g. "group/array/c/0/1"
  std::vector<uint64_t> chunk_coords;
  std::vector<DimSelection> chunk;  // one per array dimension
  std::vector<DimSelection> out;    // one per dimension of the caller's array
  bool pointwise = false;
};

// A caller's N-d array: a pointer, a shape in elements and strides in bytes (numpy's layout, so
// negative and zero strides are allowed; a zero-stride value broadcasts, e.g. a scalar write).
// Elements have the array's data type in native byte order.
struct StridedArray {
  std::byte* data = nullptr;
  std::vector<uint64_t> shape;
  std::vector<int64_t> byte_strides;

  // A C-contiguous array of `shape` with `element_size`-byte elements.
  static StridedArray contiguous(std::byte* data, std::vector<uint64_t> shape, size_t element_size);
};

}  // namespace zarrphase

#endif  // ZARRPHASE_SELECTION_H_

// Selection copies, the hot loop of every read and write.
//
// Each call first turns a selection into a CopyPlan: a base byte offset on the chunk side and on
// the caller side, then loop dimensions whose positions are byte strides (ranges, and index
// lists that turn out to be arithmetic) or byte-offset tables (other lists; a pointwise
// selection is one loop over its points). Dimensions selecting one element fold into the bases
// and neighbours that are contiguous on both sides merge, so a whole chunk into a C-ordered
// output is a single memcpy. The innermost dimension runs in a kernel picked once per call:
// memcpy, a broadcast fill, or a loop specialised by element size and addressing.
#include "engine/selection_copy.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "kernels/fill.h"
#include "zarrphase/error.h"

namespace zarrphase {

StridedArray StridedArray::contiguous(std::byte* data, std::vector<uint64_t> shape,
                                      size_t element_size) {
  constexpr uint64_t kMax = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> strides(shape.size());
  uint64_t stride = element_size;  // empty dimensions count as 1 so strides stay numpy-like
  uint64_t bytes = element_size;
  for (size_t k = shape.size(); k-- > 0;) {
    strides[k] = static_cast<int64_t>(std::min(stride, kMax));
    if (__builtin_mul_overflow(stride, std::max<uint64_t>(shape[k], 1), &stride)) {
      stride = UINT64_MAX;
    }
    if (__builtin_mul_overflow(bytes, shape[k], &bytes)) bytes = UINT64_MAX;
  }
  if (std::max(stride, bytes) > kMax) {
    throw_invalid_argument("StridedArray::contiguous: " + std::to_string(shape.size()) +
                           "-d array of " + std::to_string(element_size) +
                           "-byte elements spans more than 2^63 bytes");
  }
  return {data, std::move(shape), std::move(strides)};
}

namespace engine {
namespace {

using Kind = DimSelection::Kind;
constexpr int kChunkSide = 0;
constexpr int kCallerSide = 1;
constexpr int64_t kMaxOffset = std::numeric_limits<int64_t>::max();

// The byte position of each selected element along one loop dimension, on one side.
struct Axis {
  int64_t stride = 0;
  const int64_t* offsets = nullptr;  // when set: a table of byte offsets, one per element
  int64_t at(uint64_t i) const {
    return offsets != nullptr ? offsets[i] : static_cast<int64_t>(i) * stride;
  }
  bool strided() const { return offsets == nullptr; }
};

struct LoopDim {
  uint64_t count = 0;
  Axis side[2];
};

struct CopyPlan {
  int64_t base[2] = {0, 0};
  std::vector<LoopDim> dims;     // outermost first; none left means a single element
  std::vector<int64_t> offsets;  // storage behind Axis::offsets; reserved up front, never moved
};

[[noreturn]] void fail(const char* op, const std::string& message) {
  throw_invalid_argument(std::string(op) + ": " + message);
}

// Caller strides are trusted to describe memory, but their arithmetic must stay inside int64.
int64_t offset_of(uint64_t position, int64_t stride) {
  return stride == 0 ? 0 : static_cast<int64_t>(position) * stride;
}

void check_caller_array(const char* op, const StridedArray& array) {
  if (array.byte_strides.size() != array.shape.size()) {
    fail(op, "caller array has " + std::to_string(array.shape.size()) + " dimensions but " +
                 std::to_string(array.byte_strides.size()) + " strides");
  }
  if (std::find(array.shape.begin(), array.shape.end(), 0) != array.shape.end()) return;
  int64_t span = 0;  // sum of |stride| * (extent - 1): the farthest any offset reaches
  for (size_t k = 0; k < array.shape.size(); ++k) {
    const int64_t stride = array.byte_strides[k];
    if (stride == 0) continue;
    int64_t reach = 0;
    if (stride == std::numeric_limits<int64_t>::min() ||
        array.shape[k] - 1 > uint64_t{kMaxOffset} ||
        __builtin_mul_overflow(static_cast<int64_t>(array.shape[k] - 1), std::abs(stride),
                               &reach) ||
        __builtin_add_overflow(span, reach, &span)) {
      fail(op, "caller array spans more than 2^63 bytes (dimension " + std::to_string(k) +
                   ", extent " + std::to_string(array.shape[k]) + ", stride " +
                   std::to_string(stride) + ")");
    }
  }
}

// C-order byte strides of a chunk; throws unless the whole chunk fits in `available` bytes.
std::vector<int64_t> chunk_strides(const char* op, std::span<const uint64_t> shape,
                                   size_t element_size, uint64_t available) {
  if (element_size == 0) fail(op, "element size is 0");
  std::vector<int64_t> strides(shape.size());
  uint64_t bytes = element_size;
  for (size_t k = shape.size(); k-- > 0;) {
    strides[k] = static_cast<int64_t>(std::min<uint64_t>(bytes, kMaxOffset));
    // Sticky: an empty outer dimension must not hide inner ones that overflow.
    if (bytes == UINT64_MAX || __builtin_mul_overflow(bytes, shape[k], &bytes)) bytes = UINT64_MAX;
  }
  if (bytes > uint64_t{kMaxOffset}) {
    fail(op, "a chunk of " + std::to_string(shape.size()) + " dimensions of " +
                 std::to_string(element_size) + "-byte elements needs more than 2^63 bytes");
  }
  if (bytes > available) {
    fail(op, "chunk holds " + std::to_string(available) + " bytes, its shape needs " +
                 std::to_string(bytes));
  }
  return strides;
}

void check_dim(const DimSelection& sel, uint64_t extent, const char* side, size_t dim) {
  // Only on failure: every gather checks every dimension, and this name outgrows the small-string
  // buffer (a malloc and free per dimension per subchunk).
  const auto where = [&] {
    return std::string("selection: ") + side + " dimension " + std::to_string(dim);
  };
  if (sel.drop && sel.size() != 1) {
    throw_invalid_argument(where() + " is dropped but selects " + std::to_string(sel.size()) +
                           " elements, not 1");
  }
  if (sel.kind == Kind::kRange) {
    if (sel.step == 0) throw_invalid_argument(where() + " has step 0");
    if (sel.count == 0) return;
    uint64_t last = 0;
    if (__builtin_mul_overflow(sel.count - 1, sel.step, &last) ||
        __builtin_add_overflow(last, sel.start, &last) || last >= extent) {
      throw_invalid_argument(where() + " range start " + std::to_string(sel.start) + " step " +
                             std::to_string(sel.step) + " count " + std::to_string(sel.count) +
                             " exceeds extent " + std::to_string(extent));
    }
    return;
  }
  for (size_t i = 0; i < sel.indices.size(); ++i) {
    if (sel.indices[i] >= extent) {
      throw_invalid_argument(where() + " index " + std::to_string(sel.indices[i]) + " (entry " +
                             std::to_string(i) + ") is outside extent " + std::to_string(extent));
    }
  }
}

// Turns the offsets plan.offsets[first, end) of one side into an axis: a stride with the first
// offset moved into the base when they are arithmetic (ranges in disguise, e.g. an all-true
// mask), else a table.
Axis table_axis(CopyPlan& plan, size_t first, int side) {
  const std::span<const int64_t> table(plan.offsets.data() + first, plan.offsets.size() - first);
  if (table.empty()) return {};
  const int64_t step = table.size() > 1 ? table[1] - table[0] : 0;
  for (size_t i = 2; i < table.size(); ++i) {
    if (table[i] - table[i - 1] != step) return {0, table.data()};
  }
  plan.base[side] += table[0];
  plan.offsets.resize(first);
  return {step, nullptr};
}

// One side of a loop dimension: a range becomes a stride with its start in the base.
Axis make_axis(const DimSelection& sel, int64_t stride, CopyPlan& plan, int side) {
  if (sel.kind == Kind::kRange) {
    if (sel.count == 0) return {};
    plan.base[side] += offset_of(sel.start, stride);
    return {sel.count > 1 ? offset_of(sel.step, stride) : 0, nullptr};
  }
  const size_t first = plan.offsets.size();
  for (const uint64_t index : sel.indices) plan.offsets.push_back(offset_of(index, stride));
  return table_axis(plan, first, side);
}

size_t list_entries(const std::vector<DimSelection>& dims) {
  size_t total = 0;
  for (const DimSelection& d : dims) total += d.indices.size();
  return total;
}

// Folds single-element dimensions into the bases and merges neighbours contiguous on both
// sides, so the innermost loop is as long as possible. Every dimension is non-empty here:
// selects_nothing ran first.
void simplify(CopyPlan& plan) {
  std::vector<LoopDim> merged;
  merged.reserve(plan.dims.size());
  for (const LoopDim& dim : plan.dims) {
    if (dim.count == 1) continue;  // make_axis already put its only position in the base
    if (!merged.empty()) {
      LoopDim& outer = merged.back();
      uint64_t count = 0;
      bool contiguous = !__builtin_mul_overflow(outer.count, dim.count, &count);
      for (int s = 0; s < 2; ++s) {
        int64_t extent = 0;
        contiguous =
            contiguous && outer.side[s].strided() && dim.side[s].strided() &&
            !__builtin_mul_overflow(dim.side[s].stride, static_cast<int64_t>(dim.count), &extent) &&
            extent == outer.side[s].stride;
      }
      if (contiguous) {
        outer = {count, {dim.side[0], dim.side[1]}};
        continue;
      }
    }
    merged.push_back(dim);
  }
  plan.dims = std::move(merged);
}

// The plan of `selection` between a chunk (strides `chunk`) and a caller array (strides
// `caller`). With `caller_only`, the chunk side is ignored (left at stride 0).
CopyPlan make_plan(const ChunkSelection& selection, std::span<const int64_t> chunk,
                   std::span<const int64_t> caller, bool caller_only) {
  CopyPlan plan;
  const bool pointwise = selection.pointwise && !caller_only;
  // Tables point into plan.offsets, so it must never reallocate: reserve its upper bound.
  size_t chunk_entries = 0;
  if (pointwise) {
    chunk_entries = selection.chunk.empty() ? 0 : selection.chunk[0].size();
  } else if (!caller_only) {
    chunk_entries = list_entries(selection.chunk);
  }
  plan.offsets.reserve(list_entries(selection.out) + chunk_entries);
  for (size_t j = 0; j < selection.out.size(); ++j) {
    const DimSelection& d = selection.out[j];
    if (d.drop) {
      plan.base[kCallerSide] += offset_of(d.at(0), caller[j]);
    } else {
      LoopDim dim{d.size(), {}};
      dim.side[kCallerSide] = make_axis(d, caller[j], plan, kCallerSide);
      plan.dims.push_back(dim);
    }
  }
  if (pointwise) {
    // One loop over the points; the chunk side is a table of each point's byte offset.
    LoopDim& dim = plan.dims.front();
    const size_t first = plan.offsets.size();
    plan.offsets.resize(first + dim.count, 0);
    for (size_t d = 0; d < selection.chunk.size(); ++d) {
      const DimSelection& sel = selection.chunk[d];
      int64_t* table = plan.offsets.data() + first;
      for (uint64_t i = 0; i < dim.count; ++i) table[i] += offset_of(sel.at(i), chunk[d]);
    }
    dim.side[kChunkSide] = table_axis(plan, first, kChunkSide);
  } else if (!caller_only) {
    size_t next = 0;
    for (size_t d = 0; d < selection.chunk.size(); ++d) {
      const DimSelection& sel = selection.chunk[d];
      if (sel.drop) {
        plan.base[kChunkSide] += offset_of(sel.at(0), chunk[d]);
      } else {
        plan.dims[next++].side[kChunkSide] = make_axis(sel, chunk[d], plan, kChunkSide);
      }
    }
  }
  simplify(plan);
  return plan;
}

// The innermost loop: n elements from src to dst, each side strided or tabled.
using RunKernel = void (*)(std::byte* dst, const Axis& d, const std::byte* src, const Axis& s,
                           uint64_t n, size_t element_size);

void copy_contiguous(std::byte* dst, const Axis&, const std::byte* src, const Axis&, uint64_t n,
                     size_t element_size) {
  std::memcpy(dst, src, n * element_size);
}

void broadcast_contiguous(std::byte* dst, const Axis&, const std::byte* src, const Axis&,
                          uint64_t n, size_t element_size) {
  kernels::fill_elements({dst, n * element_size}, {src, element_size});
}

// kSize 0 is the generic element size. memcpy of a constant size compiles to one load and store.
template <size_t kSize, bool kDstTable, bool kSrcTable>
void copy_elements(std::byte* dst, const Axis& d, const std::byte* src, const Axis& s, uint64_t n,
                   size_t element_size) {
  const size_t size = kSize != 0 ? kSize : element_size;
  const int64_t dst_stride = d.stride;
  const int64_t src_stride = s.stride;
  for (uint64_t i = 0; i < n; ++i) {
    const int64_t to = kDstTable ? d.offsets[i] : static_cast<int64_t>(i) * dst_stride;
    const int64_t from = kSrcTable ? s.offsets[i] : static_cast<int64_t>(i) * src_stride;
    std::memcpy(dst + to, src + from, size);
  }
}

template <size_t kSize>
RunKernel element_kernel(bool dst_table, bool src_table) {
  if (dst_table) {
    return src_table ? copy_elements<kSize, true, true> : copy_elements<kSize, true, false>;
  }
  return src_table ? copy_elements<kSize, false, true> : copy_elements<kSize, false, false>;
}

RunKernel pick_kernel(const Axis& d, const Axis& s, size_t element_size) {
  const auto unit = static_cast<int64_t>(element_size);
  if (d.strided() && s.strided() && d.stride == unit) {
    if (s.stride == unit) return copy_contiguous;
    if (s.stride == 0) return broadcast_contiguous;
  }
  const bool dt = !d.strided();
  const bool st = !s.strided();
  switch (element_size) {
    case 1:
      return element_kernel<1>(dt, st);
    case 2:
      return element_kernel<2>(dt, st);
    case 4:
      return element_kernel<4>(dt, st);
    case 8:
      return element_kernel<8>(dt, st);
    case 16:
      return element_kernel<16>(dt, st);
    default:
      return element_kernel<0>(dt, st);
  }
}

// How many rows ahead copy_rows prefetches a strided side (a few KiB of short rows). A 32^3
// subchunk gathered into a large output is 1024 rows of 64 bytes, each in a line the output
// has not touched yet: the hardware prefetchers do not follow rows 1 KiB apart that restart
// every 32 rows, and waiting for each line made the gather 20% slower than with this.
constexpr uint64_t kPrefetchRows = 24;

// A prefetch of the line holding address `base + offset`. The address may lie outside any object
// (the rows after the last are prefetched too), so it is formed as an integer: a prefetch never
// faults.
template <int kWrite>
void prefetch_at(const std::byte* base, int64_t offset) {
  const uintptr_t address = reinterpret_cast<uintptr_t>(base) + static_cast<uintptr_t>(offset);
  __builtin_prefetch(reinterpret_cast<const void*>(address), kWrite);
}

// `rows` rows of `row_bytes` contiguous bytes each, the rows `dst_stride` / `src_stride` apart:
// the shape of every chunk-to-array copy of whole rows (a 32^3 subchunk is 1024 rows of 64 bytes).
// Short rows are moved in fixed-size blocks the compiler inlines: a libc memcpy call per 64-byte
// row, with the loop state reloaded after each (std::byte stores may alias it), ran at half the
// speed of the memory. A side whose rows are not back to back (the caller's array) is prefetched
// kPrefetchRows ahead, past the last row into the next block of rows, `*_next` bytes on (the
// caller's next plane of a 3-d copy; 0 when unknown).
void copy_rows(std::byte* dst, int64_t dst_stride, int64_t dst_next, const std::byte* src,
               int64_t src_stride, int64_t src_next, uint64_t rows, uint64_t row_bytes) {
  constexpr uint64_t kShortRow = 128;
  const auto row_bytes_signed = static_cast<int64_t>(row_bytes);
  const bool fetch_dst = dst_stride != row_bytes_signed;
  const bool fetch_src = src_stride != row_bytes_signed;
  // The offset of row r + kPrefetchRows from the start of a side.
  const auto ahead = [&](uint64_t r, int64_t stride, int64_t next) {
    const uint64_t target = r + kPrefetchRows;
    return target < rows ? static_cast<int64_t>(target) * stride
                         : next + static_cast<int64_t>(target - rows) * stride;
  };
  const auto copy_blocks = [&]<uint64_t kBlock>() {
    for (uint64_t r = 0; r < rows; ++r) {
      std::byte* to = dst + static_cast<int64_t>(r) * dst_stride;
      const std::byte* from = src + static_cast<int64_t>(r) * src_stride;
      if (fetch_dst) {
        const int64_t at = ahead(r, dst_stride, dst_next);
        prefetch_at<1>(dst, at);
        prefetch_at<1>(dst, at + row_bytes_signed - 1);
      }
      if (fetch_src) {
        const int64_t at = ahead(r, src_stride, src_next);
        prefetch_at<0>(src, at);
        prefetch_at<0>(src, at + row_bytes_signed - 1);
      }
      for (uint64_t b = 0; b < row_bytes; b += kBlock) std::memcpy(to + b, from + b, kBlock);
    }
  };
  if (row_bytes <= kShortRow && row_bytes % 64 == 0) {
    copy_blocks.template operator()<64>();
  } else if (row_bytes <= kShortRow && row_bytes % 16 == 0) {
    copy_blocks.template operator()<16>();
  } else {
    for (uint64_t r = 0; r < rows; ++r) {
      std::memcpy(dst + static_cast<int64_t>(r) * dst_stride,
                  src + static_cast<int64_t>(r) * src_stride, row_bytes);
    }
  }
}

// Calls body(dst offset, src offset) for every position of the plan's first `levels`
// dimensions, in C order: an odometer that only recomputes the levels that changed.
template <typename Body>
void for_each_outer(const CopyPlan& plan, size_t levels, int to, int from, Body&& body) {
  std::vector<uint64_t> index(levels, 0);
  std::vector<int64_t> dst_at(levels + 1, 0);  // dst_at[k]: offset after dimensions [0, k)
  std::vector<int64_t> src_at(levels + 1, 0);
  size_t changed = 0;
  while (true) {
    for (size_t k = changed; k < levels; ++k) {
      dst_at[k + 1] = dst_at[k] + plan.dims[k].side[to].at(index[k]);
      src_at[k + 1] = src_at[k] + plan.dims[k].side[from].at(index[k]);
    }
    body(dst_at[levels], src_at[levels]);
    size_t k = levels;
    while (k > 0 && ++index[k - 1] == plan.dims[k - 1].count) index[--k] = 0;
    if (k == 0) return;
    changed = k - 1;
  }
}

int64_t magnitude(int64_t v) { return v < 0 ? -v : v; }  // strides are never INT64_MIN

// True when the two innermost dimensions form a transpose (on some side the inner dimension
// jumps past a cache line while the outer one is the shorter step) and visiting them tile by
// tile cannot change the result: every element has its own destination, so the order in which
// duplicates land does not matter.
bool should_tile(const LoopDim& outer, const LoopDim& inner, int to, size_t element_size) {
  constexpr int64_t kCacheLine = 64;
  bool transposed = false;
  for (const int s : {kChunkSide, kCallerSide}) {
    if (!outer.side[s].strided() || !inner.side[s].strided()) return false;
    const int64_t in = magnitude(inner.side[s].stride);
    transposed = transposed || (in > kCacheLine && magnitude(outer.side[s].stride) < in);
  }
  if (!transposed) return false;
  const int64_t in = magnitude(inner.side[to].stride);
  const int64_t out = magnitude(outer.side[to].stride);
  const bool inner_smaller = in < out;
  const int64_t small = inner_smaller ? in : out;
  const auto small_count = static_cast<int64_t>(inner_smaller ? inner.count : outer.count);
  int64_t small_span = 0;
  return small >= static_cast<int64_t>(element_size) &&
         !__builtin_mul_overflow(small, small_count, &small_span) &&
         std::max(in, out) >= small_span;
}

// The two innermost dimensions in small square tiles, so the lines a tile touches on both sides
// stay in L1 while it is copied. Measured on a 512x512 transpose: 16 elements a side (8 for 1-
// and 2-byte elements) is 4x faster than untiled, while 32 and up thrash when the long stride is
// a power of two (all of a tile's lines map to the same cache set).
void copy_tiled(std::byte* dst, int to, const std::byte* src, int from, const LoopDim& outer,
                const LoopDim& inner, RunKernel kernel, size_t element_size) {
  const uint64_t tile = element_size <= 2 ? 8 : 16;
  for (uint64_t i0 = 0; i0 < outer.count; i0 += tile) {
    const uint64_t i1 = std::min(outer.count, i0 + tile);
    for (uint64_t j0 = 0; j0 < inner.count; j0 += tile) {
      const uint64_t n = std::min(tile, inner.count - j0);
      const int64_t dst_j = inner.side[to].at(j0);
      const int64_t src_j = inner.side[from].at(j0);
      for (uint64_t i = i0; i < i1; ++i) {
        kernel(dst + outer.side[to].at(i) + dst_j, inner.side[to],
               src + outer.side[from].at(i) + src_j, inner.side[from], n, element_size);
      }
    }
  }
}

// Runs the plan, copying from side `from` at `src` to side `to` at `dst`.
void execute(const CopyPlan& plan, std::byte* dst, int to, const std::byte* src, int from,
             size_t element_size) {
  dst += plan.base[to];
  src += plan.base[from];
  const size_t rank = plan.dims.size();
  if (rank == 0) {
    std::memcpy(dst, src, element_size);
    return;
  }
  const LoopDim& inner = plan.dims.back();
  const RunKernel kernel = pick_kernel(inner.side[to], inner.side[from], element_size);
  if (rank >= 2 && should_tile(plan.dims[rank - 2], inner, to, element_size)) {
    const LoopDim& outer = plan.dims[rank - 2];
    for_each_outer(plan, rank - 2, to, from, [&](int64_t dst_at, int64_t src_at) {
      copy_tiled(dst + dst_at, to, src + src_at, from, outer, inner, kernel, element_size);
    });
    return;
  }
  if (rank >= 2 && kernel == copy_contiguous && plan.dims[rank - 2].side[to].strided() &&
      plan.dims[rank - 2].side[from].strided()) {
    const LoopDim& rows = plan.dims[rank - 2];
    const uint64_t row_bytes = inner.count * element_size;
    // The step from one block of rows to the next, for prefetching across it.
    const auto next = [&](int side) {
      return rank >= 3 && plan.dims[rank - 3].side[side].strided()
                 ? plan.dims[rank - 3].side[side].stride
                 : 0;
    };
    const int64_t dst_next = next(to);
    const int64_t src_next = next(from);
    for_each_outer(plan, rank - 2, to, from, [&](int64_t dst_at, int64_t src_at) {
      copy_rows(dst + dst_at, rows.side[to].stride, dst_next, src + src_at, rows.side[from].stride,
                src_next, rows.count, row_bytes);
    });
    return;
  }
  for_each_outer(plan, rank - 1, to, from, [&](int64_t dst_at, int64_t src_at) {
    kernel(dst + dst_at, inner.side[to], src + src_at, inner.side[from], inner.count, element_size);
  });
}

// True when a validated selection selects nothing. Checked before planning, so offsets are only
// computed when every dimension involved is non-empty and its strides were bounds-checked.
bool selects_nothing(const ChunkSelection& selection, bool caller_only) {
  const auto empty = [](const DimSelection& d) { return d.size() == 0; };
  return std::any_of(selection.out.begin(), selection.out.end(), empty) ||
         (!caller_only && std::any_of(selection.chunk.begin(), selection.chunk.end(), empty));
}

void check_data(const char* op, const void* data) {
  if (data == nullptr) fail(op, "caller array has no data but the selection is not empty");
}

// Bitmap coverage of [0, extent) by `positions` (at least extent of them); `at(i)` < extent.
template <typename At>
bool covers(uint64_t extent, uint64_t n, At&& at) {
  if (n < extent) return false;
  std::vector<bool> seen(extent, false);
  uint64_t distinct = 0;
  for (uint64_t i = 0; i < n && distinct < extent; ++i) {
    const uint64_t p = at(i);
    if (!seen[p]) {
      seen[p] = true;
      ++distinct;
    }
  }
  return distinct == extent;
}

bool dim_covers(const DimSelection& sel, uint64_t extent) {
  if (sel.kind == Kind::kRange) return sel.start == 0 && sel.count == extent;  // validated range
  const std::vector<uint64_t>& idx = sel.indices;
  bool iota = idx.size() == extent;
  for (uint64_t i = 0; iota && i < idx.size(); ++i) iota = idx[i] == i;
  return iota || covers(extent, idx.size(), [&](uint64_t i) { return idx[i]; });
}

}  // namespace

void validate_selection(const ChunkSelection& selection, std::span<const uint64_t> chunk_shape,
                        std::span<const uint64_t> caller_shape) {
  if (selection.chunk.size() != chunk_shape.size()) {
    throw_invalid_argument("selection: " + std::to_string(selection.chunk.size()) +
                           " chunk dimensions for a chunk of rank " +
                           std::to_string(chunk_shape.size()));
  }
  if (selection.out.size() != caller_shape.size()) {
    throw_invalid_argument("selection: " + std::to_string(selection.out.size()) +
                           " caller dimensions for a caller array of rank " +
                           std::to_string(caller_shape.size()));
  }
  for (size_t d = 0; d < chunk_shape.size(); ++d) {
    check_dim(selection.chunk[d], chunk_shape[d], "chunk", d);
  }
  std::vector<size_t> selected_out;
  for (size_t j = 0; j < caller_shape.size(); ++j) {
    check_dim(selection.out[j], caller_shape[j], "caller", j);
    if (!selection.out[j].drop) selected_out.push_back(j);
  }
  if (selection.pointwise) {
    if (chunk_shape.empty()) throw_invalid_argument("selection: pointwise over a rank-0 chunk");
    const uint64_t n = selection.chunk[0].size();
    for (size_t d = 0; d < chunk_shape.size(); ++d) {
      if (selection.chunk[d].drop) {
        throw_invalid_argument("selection: pointwise chunk dimension " + std::to_string(d) +
                               " is dropped");
      }
      if (selection.chunk[d].size() != n) {
        throw_invalid_argument("selection: pointwise chunk dimension " + std::to_string(d) +
                               " has " + std::to_string(selection.chunk[d].size()) +
                               " points, dimension 0 has " + std::to_string(n));
      }
    }
    if (selected_out.size() != 1 || selection.out[selected_out[0]].size() != n) {
      throw_invalid_argument("selection: pointwise selection of " + std::to_string(n) +
                             " points needs exactly one caller dimension selecting " +
                             std::to_string(n) + " places");
    }
    return;
  }
  size_t next = 0;
  for (size_t d = 0; d < chunk_shape.size(); ++d) {
    const DimSelection& sel = selection.chunk[d];
    if (sel.drop) continue;
    if (next == selected_out.size()) {
      throw_invalid_argument("selection: chunk dimension " + std::to_string(d) +
                             " pairs with no caller dimension");
    }
    const size_t j = selected_out[next++];
    if (selection.out[j].size() != sel.size()) {
      throw_invalid_argument("selection: chunk dimension " + std::to_string(d) + " selects " +
                             std::to_string(sel.size()) + " elements, caller dimension " +
                             std::to_string(j) + " " + std::to_string(selection.out[j].size()));
    }
  }
  if (next != selected_out.size()) {
    throw_invalid_argument("selection: caller dimension " + std::to_string(selected_out[next]) +
                           " pairs with no chunk dimension");
  }
}

bool selects_whole_chunk(const ChunkSelection& selection, std::span<const uint64_t> chunk_shape) {
  if (selection.chunk.size() != chunk_shape.size()) {
    fail("selects_whole_chunk", "selection rank " + std::to_string(selection.chunk.size()) +
                                    " differs from chunk rank " +
                                    std::to_string(chunk_shape.size()));
  }
  for (size_t d = 0; d < chunk_shape.size(); ++d) {
    check_dim(selection.chunk[d], chunk_shape[d], "chunk", d);
  }
  uint64_t elements = 1;
  for (const uint64_t e : chunk_shape) {
    if (__builtin_mul_overflow(elements, e, &elements)) elements = UINT64_MAX;
  }
  if (elements == 0) return true;
  if (!selection.pointwise) {
    for (size_t d = 0; d < chunk_shape.size(); ++d) {
      if (!dim_covers(selection.chunk[d], chunk_shape[d])) return false;
    }
    return true;
  }
  if (chunk_shape.empty()) return false;
  const uint64_t n = selection.chunk[0].size();
  for (const DimSelection& sel : selection.chunk) {
    if (sel.size() != n) fail("selects_whole_chunk", "pointwise dimensions differ in length");
  }
  return covers(elements, n, [&](uint64_t i) {
    uint64_t flat = 0;
    for (size_t d = 0; d < chunk_shape.size(); ++d) {
      flat = flat * chunk_shape[d] + selection.chunk[d].at(i);
    }
    return flat;
  });
}

std::optional<MutableByteView> contiguous_destination(const ChunkSelection& selection,
                                                      std::span<const uint64_t> chunk_shape,
                                                      const StridedArray& out,
                                                      size_t element_size) {
  const char* op = "contiguous_destination";
  check_caller_array(op, out);
  const std::vector<int64_t> strides = chunk_strides(op, chunk_shape, element_size, UINT64_MAX);
  validate_selection(selection, chunk_shape, out.shape);
  if (!selects_whole_chunk(selection, chunk_shape)) return std::nullopt;
  if (selects_nothing(selection, false)) return MutableByteView{};  // an empty chunk
  const CopyPlan plan = make_plan(selection, strides, out.byte_strides, false);
  const auto unit = static_cast<int64_t>(element_size);
  if (plan.dims.size() > 1 || plan.base[kChunkSide] != 0) return std::nullopt;
  uint64_t count = 1;
  if (!plan.dims.empty()) {
    const LoopDim& run = plan.dims.front();
    if (!run.side[kChunkSide].strided() || !run.side[kCallerSide].strided() ||
        run.side[kChunkSide].stride != unit || run.side[kCallerSide].stride != unit) {
      return std::nullopt;
    }
    count = run.count;
  }
  check_data(op, out.data);
  return MutableByteView(out.data + plan.base[kCallerSide], count * element_size);
}

void gather(ByteView chunk, std::span<const uint64_t> chunk_shape, const ChunkSelection& selection,
            const StridedArray& out, size_t element_size) {
  check_caller_array("gather", out);
  const std::vector<int64_t> strides =
      chunk_strides("gather", chunk_shape, element_size, chunk.size());
  validate_selection(selection, chunk_shape, out.shape);
  if (selects_nothing(selection, false)) return;
  const CopyPlan plan = make_plan(selection, strides, out.byte_strides, false);
  check_data("gather", out.data);
  execute(plan, out.data, kCallerSide, chunk.data(), kChunkSide, element_size);
}

void scatter(const StridedArray& value, const ChunkSelection& selection, MutableByteView chunk,
             std::span<const uint64_t> chunk_shape, size_t element_size) {
  check_caller_array("scatter", value);
  const std::vector<int64_t> strides =
      chunk_strides("scatter", chunk_shape, element_size, chunk.size());
  validate_selection(selection, chunk_shape, value.shape);
  if (selects_nothing(selection, false)) return;
  const CopyPlan plan = make_plan(selection, strides, value.byte_strides, false);
  check_data("scatter", value.data);
  execute(plan, chunk.data(), kChunkSide, value.data, kCallerSide, element_size);
}

void fill_selected(const ChunkSelection& selection, const StridedArray& out, ByteView element) {
  check_caller_array("fill_selected", out);
  if (element.empty()) fail("fill_selected", "element size is 0");
  if (selection.out.size() != out.shape.size()) {
    fail("fill_selected", std::to_string(selection.out.size()) +
                              " caller dimensions for a caller array of rank " +
                              std::to_string(out.shape.size()));
  }
  for (size_t j = 0; j < out.shape.size(); ++j) {
    check_dim(selection.out[j], out.shape[j], "caller", j);
  }
  // The chunk side of a caller-only plan has stride 0 everywhere: every place reads `element`.
  if (selects_nothing(selection, true)) return;
  const CopyPlan plan = make_plan(selection, {}, out.byte_strides, true);
  check_data("fill_selected", out.data);
  execute(plan, out.data, kCallerSide, element.data(), kChunkSide, element.size());
}

}  // namespace engine
}  // namespace zarrphase

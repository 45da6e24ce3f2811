// Strategy: reduce the problem first, then copy in cache-sized tiles.
//   1. drop unit dimensions and merge output dimensions that are also adjacent in the input;
//   2. fold the output's innermost dimension into the element when it is also contiguous in the
//      input (a transpose that keeps the last axis becomes a transpose of bigger elements);
//   3. what is left is a 2-D transpose (the input's innermost dimension against the output's)
//      repeated over the remaining dimensions, done in tiles so both the strided reads
//      and the contiguous writes stay in cache.
#include "kernels/transpose.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "zarrphase/error.h"

namespace zarrphase::kernels {
namespace {

struct Dim {
  size_t extent;
  size_t in_stride;   // bytes
  size_t out_stride;  // bytes
};

template <size_t kSize>
void copy_element(const std::byte* src, std::byte* dst, size_t /*size*/) {
  std::memcpy(dst, src, kSize);
}
void copy_element_any(const std::byte* src, std::byte* dst, size_t size) {
  std::memcpy(dst, src, size);
}

// dst[i * dst_row + j * size] = src[i * size + j * src_col] for i < rows, j < cols, in tiles.
template <void (*Copy)(const std::byte*, std::byte*, size_t)>
void transpose_2d(const std::byte* src, size_t src_col, std::byte* dst, size_t dst_row, size_t rows,
                  size_t cols, size_t size) {
  // Few strided lines per tile (8 columns): power-of-two strides map every column to the same
  // cache set, so wide tiles thrash; rows span at least a cache line of contiguous input.
  const size_t tile_i = std::max<size_t>(16, 64 / size);
  constexpr size_t kTileJ = 8;
  for (size_t i0 = 0; i0 < rows; i0 += tile_i) {
    const size_t i1 = std::min(rows, i0 + tile_i);
    for (size_t j0 = 0; j0 < cols; j0 += kTileJ) {
      const size_t j1 = std::min(cols, j0 + kTileJ);
      for (size_t i = i0; i < i1; ++i) {
        const std::byte* s = src + i * size;
        std::byte* d = dst + i * dst_row;
        for (size_t j = j0; j < j1; ++j) Copy(s + j * src_col, d + j * size, size);
      }
    }
  }
}

using Transpose2d = void (*)(const std::byte*, size_t, std::byte*, size_t, size_t, size_t, size_t);

Transpose2d pick_2d(size_t size) {
  switch (size) {
    case 1:
      return transpose_2d<copy_element<1>>;
    case 2:
      return transpose_2d<copy_element<2>>;
    case 4:
      return transpose_2d<copy_element<4>>;
    case 8:
      return transpose_2d<copy_element<8>>;
    case 16:
      return transpose_2d<copy_element<16>>;
    default:
      return transpose_2d<copy_element_any>;
  }
}

// Calls visit(in_offset, out_offset) for every index of `dims` (odometer order).
template <typename Visit>
void for_each_index(const std::vector<Dim>& dims, Visit visit) {
  for (const Dim& d : dims) {
    if (d.extent == 0) return;
  }
  std::vector<size_t> index(dims.size(), 0);
  size_t in_offset = 0;
  size_t out_offset = 0;
  while (true) {
    visit(in_offset, out_offset);
    size_t k = dims.size();
    while (k > 0) {
      --k;
      if (++index[k] < dims[k].extent) {
        in_offset += dims[k].in_stride;
        out_offset += dims[k].out_stride;
        break;
      }
      in_offset -= (dims[k].extent - 1) * dims[k].in_stride;
      out_offset -= (dims[k].extent - 1) * dims[k].out_stride;
      index[k] = 0;
      if (k == 0) return;
    }
    if (dims.empty()) return;
  }
}

// Output dimensions (in output order) with unit extents dropped and runs that are contiguous in
// the input merged.
std::vector<Dim> simplify(std::span<const uint64_t> shape, std::span<const size_t> order,
                          size_t element_size) {
  const size_t rank = shape.size();
  std::vector<size_t> in_strides(rank);
  size_t stride = element_size;
  for (size_t k = rank; k-- > 0;) {
    in_strides[k] = stride;
    stride *= static_cast<size_t>(shape[k]);
  }
  std::vector<Dim> dims;
  for (size_t i = 0; i < rank; ++i) {
    const size_t extent = static_cast<size_t>(shape[order[i]]);
    if (extent == 1) continue;
    const size_t in_stride = in_strides[order[i]];
    if (!dims.empty() && dims.back().in_stride == extent * in_stride) {
      dims.back().extent *= extent;
      dims.back().in_stride = in_stride;
    } else {
      dims.push_back({extent, in_stride, 0});
    }
  }
  return dims;
}

void check_arguments(ByteView in, std::span<const uint64_t> shape, std::span<const size_t> order,
                     size_t element_size, MutableByteView out) {
  const size_t rank = shape.size();
  std::vector<bool> seen(rank, false);
  bool valid = order.size() == rank && element_size > 0;
  for (size_t i = 0; valid && i < order.size(); ++i) {
    valid = order[i] < rank && !seen[order[i]];
    if (valid) seen[order[i]] = true;
  }
  if (!valid) {
    throw_invalid_argument("transpose: order is not a permutation of the " + std::to_string(rank) +
                           " dimensions");
  }
  size_t bytes = element_size;
  bool empty = false;
  for (const uint64_t extent : shape) empty = empty || extent == 0;
  for (const uint64_t extent : shape) {
    if (empty) {
      bytes = 0;
      break;
    }
    if (extent > std::numeric_limits<size_t>::max() / bytes) {
      throw_invalid_argument("transpose: array does not fit in memory");
    }
    bytes *= static_cast<size_t>(extent);
  }
  if (in.size() != bytes || out.size() != bytes) {
    throw_invalid_argument("transpose: expected " + std::to_string(bytes) + " bytes, got " +
                           std::to_string(in.size()) + " in and " + std::to_string(out.size()) +
                           " out");
  }
}

}  // namespace

void transpose(ByteView in, std::span<const uint64_t> shape, std::span<const size_t> order,
               size_t element_size, MutableByteView out) {
  check_arguments(in, shape, order, element_size, out);
  if (in.empty()) return;
  std::vector<Dim> dims = simplify(shape, order, element_size);

  // The output's innermost dimension is contiguous in the input too: copy it as one element.
  size_t size = element_size;
  if (!dims.empty() && dims.back().in_stride == size) {
    size *= dims.back().extent;
    dims.pop_back();
  }
  if (dims.empty()) {
    std::memcpy(out.data(), in.data(), size);
    return;
  }
  size_t out_stride = size;
  for (size_t k = dims.size(); k-- > 0;) {
    dims[k].out_stride = out_stride;
    out_stride *= dims[k].extent;
  }

  // Tile the input's innermost remaining dimension (stride == size) against the output's.
  const auto inner = std::find_if(dims.begin(), dims.end() - 1,
                                  [size](const Dim& d) { return d.in_stride == size; });
  const Dim last = dims.back();
  if (inner == dims.end() - 1) {
    // No dimension is contiguous in the input (cannot happen after simplify, kept for safety):
    // copy element by element along the output's innermost dimension.
    dims.pop_back();
    for_each_index(dims, [&](size_t in_offset, size_t out_offset) {
      for (size_t j = 0; j < last.extent; ++j) {
        std::memcpy(out.data() + out_offset + j * size, in.data() + in_offset + j * last.in_stride,
                    size);
      }
    });
    return;
  }
  const Dim row = *inner;
  dims.erase(inner);
  dims.pop_back();
  const Transpose2d transpose_tiles = pick_2d(size);
  for_each_index(dims, [&](size_t in_offset, size_t out_offset) {
    transpose_tiles(in.data() + in_offset, last.in_stride, out.data() + out_offset, row.out_stride,
                    row.extent, last.extent, size);
  });
}

}  // namespace zarrphase::kernels

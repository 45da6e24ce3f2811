#include "kernels/box_copy.h"

#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "zarrphase/error.h"

namespace zarrphase::kernels {
namespace {

// Byte strides of a C-ordered array; throws if the array does not fit the buffer.
std::vector<size_t> strides_for(std::span<const uint64_t> shape, size_t element_size,
                                size_t buffer_size, const char* which) {
  std::vector<size_t> strides(shape.size());
  size_t stride = element_size;
  bool empty = false;
  for (const uint64_t extent : shape) empty = empty || extent == 0;
  for (size_t k = shape.size(); k-- > 0;) {
    strides[k] = stride;
    if (!empty && shape[k] > std::numeric_limits<size_t>::max() / stride) {
      throw_invalid_argument(std::string("copy_box: ") + which + " array does not fit in memory");
    }
    stride *= static_cast<size_t>(shape[k]);
  }
  if (!empty && buffer_size < stride) {
    throw_invalid_argument(std::string("copy_box: ") + which + " buffer holds " +
                           std::to_string(buffer_size) + " bytes, its array needs " +
                           std::to_string(stride));
  }
  return strides;
}

void check_box(std::span<const uint64_t> shape, std::span<const uint64_t> origin,
               std::span<const uint64_t> extent, const char* which) {
  if (shape.size() != extent.size() || origin.size() != extent.size()) {
    throw_invalid_argument(std::string("copy_box: ") + which + " rank does not match the box");
  }
  for (size_t k = 0; k < extent.size(); ++k) {
    if (origin[k] > shape[k] || extent[k] > shape[k] - origin[k]) {
      throw_invalid_argument(std::string("copy_box: ") + which + " box [" +
                             std::to_string(origin[k]) + ", +" + std::to_string(extent[k]) +
                             ") of dimension " + std::to_string(k) + " exceeds extent " +
                             std::to_string(shape[k]));
    }
  }
}

}  // namespace

bool box_is_contiguous(std::span<const uint64_t> shape, std::span<const uint64_t> extent) {
  size_t k = 0;
  while (k < extent.size() && extent[k] == 1) ++k;  // leading unit dimensions
  if (k < extent.size()) ++k;                       // one partial dimension
  for (; k < extent.size(); ++k) {
    if (extent[k] != shape[k]) return false;
  }
  return true;
}

void copy_box(const ConstBox& src, const MutableBox& dst, std::span<const uint64_t> extent,
              size_t element_size) {
  check_box(src.shape, src.origin, extent, "source");
  check_box(dst.shape, dst.origin, extent, "destination");
  const std::vector<size_t> src_strides =
      strides_for(src.shape, element_size, src.data.size(), "source");
  const std::vector<size_t> dst_strides =
      strides_for(dst.shape, element_size, dst.data.size(), "destination");
  const size_t rank = extent.size();
  for (const uint64_t e : extent) {
    if (e == 0) return;
  }

  // The run: the innermost dimensions that both arrays hold whole, plus the next one.
  size_t run = element_size;
  size_t outer = rank;  // dimensions [0, outer) are iterated
  while (outer > 0) {
    const size_t k = outer - 1;
    run *= static_cast<size_t>(extent[k]);
    --outer;
    if (extent[k] != src.shape[k] || extent[k] != dst.shape[k]) break;
  }

  size_t src_offset = 0;
  size_t dst_offset = 0;
  for (size_t k = 0; k < rank; ++k) {
    src_offset += static_cast<size_t>(src.origin[k]) * src_strides[k];
    dst_offset += static_cast<size_t>(dst.origin[k]) * dst_strides[k];
  }
  std::vector<uint64_t> index(outer, 0);
  while (true) {
    std::memcpy(dst.data.data() + dst_offset, src.data.data() + src_offset, run);
    size_t k = outer;
    while (true) {
      if (k == 0) return;
      --k;
      if (++index[k] < extent[k]) {
        src_offset += src_strides[k];
        dst_offset += dst_strides[k];
        break;
      }
      src_offset -= static_cast<size_t>(extent[k] - 1) * src_strides[k];
      dst_offset -= static_cast<size_t>(extent[k] - 1) * dst_strides[k];
      index[k] = 0;
    }
  }
}

}  // namespace zarrphase::kernels

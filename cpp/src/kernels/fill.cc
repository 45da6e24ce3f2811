#include "kernels/fill.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "zarrphase/error.h"

namespace zarrphase::kernels {

void fill_elements(MutableByteView out, ByteView element) {
  const size_t size = element.size();
  if (size == 0 || out.size() % size != 0) {
    throw_invalid_argument("fill_elements: " + std::to_string(out.size()) +
                           " bytes is not a whole number of " + std::to_string(size) +
                           "-byte elements");
  }
  if (out.empty()) return;
  const bool uniform =
      std::all_of(element.begin(), element.end(), [&](std::byte b) { return b == element[0]; });
  if (uniform) {
    std::memset(out.data(), std::to_integer<int>(element[0]), out.size());
    return;
  }
  // Doubling copies: log2(n) memcpy calls instead of one per element.
  std::memcpy(out.data(), element.data(), size);
  size_t filled = size;
  while (filled < out.size()) {
    const size_t n = std::min(filled, out.size() - filled);
    std::memcpy(out.data() + filled, out.data(), n);
    filled += n;
  }
}

void fill_box(const MutableBox& dst, std::span<const uint64_t> extent, ByteView element) {
  const size_t size = element.size();
  const size_t rank = extent.size();
  if (dst.shape.size() != rank || dst.origin.size() != rank || size == 0) {
    throw_invalid_argument("fill_box: rank of the box does not match the array");
  }
  for (size_t k = 0; k < rank; ++k) {
    if (dst.origin[k] > dst.shape[k] || extent[k] > dst.shape[k] - dst.origin[k]) {
      throw_invalid_argument("fill_box: box exceeds dimension " + std::to_string(k));
    }
  }
  for (const uint64_t e : extent) {
    if (e == 0) return;
  }
  std::vector<size_t> strides(rank);
  size_t total = size;
  for (size_t k = rank; k-- > 0;) {
    strides[k] = total;
    total *= static_cast<size_t>(dst.shape[k]);
  }
  if (dst.data.size() < total) {
    throw_invalid_argument("fill_box: buffer holds " + std::to_string(dst.data.size()) +
                           " bytes, its array needs " + std::to_string(total));
  }
  size_t run = size;
  size_t outer = rank;
  while (outer > 0) {
    const size_t k = outer - 1;
    run *= static_cast<size_t>(extent[k]);
    --outer;
    if (extent[k] != dst.shape[k]) break;
  }
  size_t offset = 0;
  for (size_t k = 0; k < rank; ++k) offset += static_cast<size_t>(dst.origin[k]) * strides[k];

  // Fill the first run, then copy it to every other run.
  const size_t first = offset;
  fill_elements(dst.data.subspan(first, run), element);
  std::vector<uint64_t> index(outer, 0);
  while (true) {
    if (offset != first) std::memcpy(dst.data.data() + offset, dst.data.data() + first, run);
    size_t k = outer;
    while (true) {
      if (k == 0) return;
      --k;
      if (++index[k] < extent[k]) {
        offset += strides[k];
        break;
      }
      offset -= static_cast<size_t>(extent[k] - 1) * strides[k];
      index[k] = 0;
    }
  }
}

}  // namespace zarrphase::kernels

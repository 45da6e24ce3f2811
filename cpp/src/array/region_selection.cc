#include "array/region_selection.h"

#include <algorithm>
#include <string>

#include "zarrphase/error.h"

namespace zarrphase {

Region Region::whole(const std::vector<uint64_t>& shape) {
  return Region{std::vector<uint64_t>(shape.size(), 0), shape, {}};
}

std::vector<uint64_t> Region::shape() const {
  std::vector<uint64_t> out(start.size());
  for (size_t d = 0; d < start.size(); ++d) {
    const uint64_t s = step.empty() ? 1 : step[d];
    out[d] = stop[d] <= start[d] ? 0 : (stop[d] - start[d] - 1) / s + 1;
  }
  return out;
}

namespace array_internal {

void validate_region(const Region& region, std::span<const uint64_t> shape) {
  const size_t rank = shape.size();
  if (region.start.size() != rank || region.stop.size() != rank ||
      (!region.step.empty() && region.step.size() != rank)) {
    throw_invalid_argument("region has " + std::to_string(region.start.size()) + " starts, " +
                           std::to_string(region.stop.size()) + " stops and " +
                           std::to_string(region.step.size()) + " steps for an array of rank " +
                           std::to_string(rank));
  }
  for (size_t d = 0; d < rank; ++d) {
    if (!region.step.empty() && region.step[d] == 0) {
      throw_invalid_argument("region step of dimension " + std::to_string(d) + " is 0");
    }
    if (region.start[d] > region.stop[d] || region.stop[d] > shape[d]) {
      throw_invalid_argument("region [" + std::to_string(region.start[d]) + ", " +
                             std::to_string(region.stop[d]) + ") of dimension " +
                             std::to_string(d) + " is outside the array's extent " +
                             std::to_string(shape[d]));
    }
  }
}

std::vector<DimChunkSpan> dim_chunk_spans(uint64_t start, uint64_t stop, uint64_t step,
                                          uint64_t chunk_extent) {
  std::vector<DimChunkSpan> spans;
  if (start >= stop) return spans;
  const uint64_t count = (stop - start - 1) / step + 1;
  // Walk element index k through the chunks: each chunk takes the k whose positions fall in it.
  uint64_t k = 0;
  while (k < count) {
    const uint64_t position = start + k * step;
    const uint64_t chunk = position / chunk_extent;
    const uint64_t chunk_end = (chunk + 1) * chunk_extent;  // exclusive
    const uint64_t last_k = std::min(count - 1, (chunk_end - 1 - start) / step);
    const uint64_t n = last_k - k + 1;
    spans.push_back({chunk, DimSelection::range(position - chunk * chunk_extent, n, step),
                     DimSelection::range(k, n)});
    k = last_k + 1;
  }
  return spans;
}

}  // namespace array_internal
}  // namespace zarrphase

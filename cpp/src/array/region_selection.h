// From a Region of an array to the engine's batch: the chunks of the regular grid the region
// touches, and for each the selected elements and where they go in the caller's array.
#ifndef ZARRPHASE_ARRAY_REGION_SELECTION_H_
#define ZARRPHASE_ARRAY_REGION_SELECTION_H_

#include <cstdint>
#include <span>
#include <vector>

#include "zarrphase/array.h"
#include "zarrphase/selection.h"

namespace zarrphase::array_internal {

// Throws kInvalidArgument unless `region` has one entry per dimension of `shape`, steps >= 1
// and start <= stop <= shape.
void validate_region(const Region& region, std::span<const uint64_t> shape);

// One selection per touched chunk in C order of the grid; keys and coordinates are filled in,
// keys via `encode_key`.
template <typename KeyFn>
std::vector<ChunkSelection> region_chunk_selections(const Region& region,
                                                    std::span<const uint64_t> shape,
                                                    std::span<const uint64_t> chunk_shape,
                                                    KeyFn&& encode_key);

// Per dimension: the chunks a strided range touches, each with its in-chunk and output ranges.
struct DimChunkSpan {
  uint64_t chunk_index;
  DimSelection in_chunk;
  DimSelection in_output;
};
std::vector<DimChunkSpan> dim_chunk_spans(uint64_t start, uint64_t stop, uint64_t step,
                                          uint64_t chunk_extent);

template <typename KeyFn>
std::vector<ChunkSelection> region_chunk_selections(const Region& region,
                                                    std::span<const uint64_t> shape,
                                                    std::span<const uint64_t> chunk_shape,
                                                    KeyFn&& encode_key) {
  validate_region(region, shape);
  const size_t rank = shape.size();
  std::vector<std::vector<DimChunkSpan>> spans(rank);
  for (size_t d = 0; d < rank; ++d) {
    const uint64_t step = region.step.empty() ? 1 : region.step[d];
    spans[d] = dim_chunk_spans(region.start[d], region.stop[d], step, chunk_shape[d]);
    if (spans[d].empty()) return {};
  }
  std::vector<ChunkSelection> batch;
  std::vector<size_t> pick(rank, 0);
  while (true) {
    ChunkSelection& sel = batch.emplace_back();
    sel.chunk_coords.resize(rank);
    for (size_t d = 0; d < rank; ++d) {
      const DimChunkSpan& span = spans[d][pick[d]];
      sel.chunk_coords[d] = span.chunk_index;
      sel.chunk.push_back(span.in_chunk);
      sel.out.push_back(span.in_output);
    }
    sel.key = encode_key(std::span<const uint64_t>(sel.chunk_coords));
    size_t d = rank;
    while (d > 0 && ++pick[d - 1] == spans[d - 1].size()) pick[--d] = 0;
    if (d == 0) break;
  }
  return batch;
}

}  // namespace zarrphase::array_internal

#endif  // ZARRPHASE_ARRAY_REGION_SELECTION_H_

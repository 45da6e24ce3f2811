// Selections seen from inside a shard: through the transposes before sharding, and split over
// the shard's grid of subchunks.
#ifndef ZARRPHASE_ENGINE_SHARD_SELECTION_H_
#define ZARRPHASE_ENGINE_SHARD_SELECTION_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "zarrphase/selection.h"

namespace zarrphase::engine {

// `selection` of a chunk seen through transposes: dimension i of the result is dimension
// permutation[i] of the chunk. An orthogonal selection pairs its chunk dimensions with caller
// dimensions in order, so the caller's array is permuted to match into `caller_out`.
void permute_selection(const ChunkSelection& selection, const StridedArray& caller,
                       std::span<const size_t> permutation, ChunkSelection& selection_out,
                       StridedArray& caller_out);

// The subchunks a selection of a shard touches, each with the part of the selection inside it.
// Built once per shard in time linear in the selection; a subchunk's own selection is then
// written into a caller-owned ChunkSelection whose storage is reused, so walking thousands of
// subchunks allocates nothing.
class SubchunkSplit {
 public:
  SubchunkSplit(const ChunkSelection& selection, std::span<const uint64_t> subchunk_shape,
                std::span<const uint64_t> grid);

  // Touched subchunks, in C order of the grid.
  size_t size() const { return size_; }
  // The C-order linear index of touched subchunk t in the grid.
  uint64_t linear_index(size_t t) const;
  // True when the selection covers every element of touched subchunk t.
  bool covers_whole(size_t t) const;
  // Writes the selection of touched subchunk t, relative to the subchunk, into `out`.
  void materialize(size_t t, ChunkSelection& out) const;

 private:
  struct Piece {
    uint64_t coord = 0;  // subchunk coordinate along the dimension
    DimSelection chunk;  // relative to the subchunk
    DimSelection out;    // the paired caller dimension's places (unused for dropped dims)
    bool whole = false;
  };
  void split_dimension(size_t d, const DimSelection& sel, const DimSelection* out);
  void split_points(const ChunkSelection& selection);
  // Touched subchunk t as one piece index per dimension (orthogonal).
  void piece_indices(size_t t, std::vector<size_t>& picks) const;

  const ChunkSelection* selection_;
  std::vector<uint64_t> subchunk_shape_;
  std::vector<uint64_t> grid_;
  size_t size_ = 0;
  // Orthogonal: the pieces of every dimension, and which caller dimension each chunk
  // dimension pairs with (SIZE_MAX when dropped).
  std::vector<std::vector<Piece>> pieces_;
  std::vector<size_t> paired_out_;
  // Pointwise: point numbers grouped by subchunk; group g is
  // point_order_[group_start_[g], group_start_[g + 1]) in subchunk group_linear_[g].
  size_t point_out_dim_ = 0;
  std::vector<uint64_t> point_order_;
  std::vector<size_t> group_start_;
  std::vector<uint64_t> group_linear_;
};

}  // namespace zarrphase::engine

#endif  // ZARRPHASE_ENGINE_SHARD_SELECTION_H_

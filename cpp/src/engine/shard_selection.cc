#include "engine/shard_selection.h"

#include <algorithm>
#include <utility>

namespace zarrphase::engine {
namespace {

using Kind = DimSelection::Kind;

// Places k, k + 1, ..., k + n - 1 of a caller dimension's selection.
DimSelection sub_places(const DimSelection& places, uint64_t k, uint64_t n) {
  if (places.kind == Kind::kRange) {
    return DimSelection::range(places.start + k * places.step, n, places.step);
  }
  return DimSelection::list(
      std::vector<uint64_t>(places.indices.begin() + static_cast<ptrdiff_t>(k),
                            places.indices.begin() + static_cast<ptrdiff_t>(k + n)));
}

// The non-dropped dimensions of `dims`, in order.
std::vector<size_t> selected_dims(const std::vector<DimSelection>& dims) {
  std::vector<size_t> selected;
  for (size_t j = 0; j < dims.size(); ++j) {
    if (!dims[j].drop) selected.push_back(j);
  }
  return selected;
}

void assign_list(DimSelection& dst, bool drop) {
  dst.kind = Kind::kIndices;
  dst.start = 0;
  dst.step = 1;
  dst.count = 0;
  dst.drop = drop;
  dst.indices.clear();
}

}  // namespace

void permute_selection(const ChunkSelection& selection, const StridedArray& caller,
                       std::span<const size_t> permutation, ChunkSelection& selection_out,
                       StridedArray& caller_out) {
  const size_t rank = permutation.size();
  selection_out.key = selection.key;
  selection_out.chunk_coords.clear();
  selection_out.pointwise = selection.pointwise;
  selection_out.chunk.resize(rank);
  for (size_t i = 0; i < rank; ++i) selection_out.chunk[i] = selection.chunk[permutation[i]];
  selection_out.out = selection.out;
  caller_out = caller;
  if (selection.pointwise) return;  // points keep their places; only their coordinates move
  // Chunk dimension d pairs with caller dimension paired[d] (in order of the selected ones).
  const std::vector<size_t> slots = selected_dims(selection.out);
  std::vector<size_t> paired(rank, 0);
  size_t next = 0;
  for (size_t d = 0; d < rank; ++d) {
    if (!selection.chunk[d].drop) paired[d] = slots[next++];
  }
  next = 0;
  for (size_t i = 0; i < rank; ++i) {
    const size_t d = permutation[i];
    if (selection.chunk[d].drop) continue;
    const size_t slot = slots[next++];
    selection_out.out[slot] = selection.out[paired[d]];
    caller_out.shape[slot] = caller.shape[paired[d]];
    caller_out.byte_strides[slot] = caller.byte_strides[paired[d]];
  }
}

SubchunkSplit::SubchunkSplit(const ChunkSelection& selection,
                             std::span<const uint64_t> subchunk_shape,
                             std::span<const uint64_t> grid)
    : selection_(&selection),
      subchunk_shape_(subchunk_shape.begin(), subchunk_shape.end()),
      grid_(grid.begin(), grid.end()) {
  if (selection.pointwise) {
    split_points(selection);
    return;
  }
  const size_t rank = subchunk_shape_.size();
  pieces_.resize(rank);
  paired_out_.assign(rank, SIZE_MAX);
  const std::vector<size_t> slots = selected_dims(selection.out);
  size_t next = 0;
  size_ = 1;
  for (size_t d = 0; d < rank; ++d) {
    const DimSelection& sel = selection.chunk[d];
    const DimSelection* out = nullptr;
    if (!sel.drop) {
      paired_out_[d] = slots[next++];
      out = &selection.out[paired_out_[d]];
    }
    split_dimension(d, sel, out);
    size_ *= pieces_[d].size();
  }
}

void SubchunkSplit::split_dimension(size_t d, const DimSelection& sel, const DimSelection* out) {
  const uint64_t s = subchunk_shape_[d];
  std::vector<Piece>& pieces = pieces_[d];
  if (sel.kind == Kind::kRange) {
    // Walk the runs of consecutive positions that share a subchunk: O(pieces), whatever the step.
    uint64_t k = 0;
    while (k < sel.count) {
      const uint64_t position = sel.start + k * sel.step;
      const uint64_t coord = position / s;
      const uint64_t local = position - coord * s;
      const uint64_t last = std::min(sel.count - 1, ((coord + 1) * s - 1 - sel.start) / sel.step);
      const uint64_t n = last - k + 1;
      Piece& piece = pieces.emplace_back();
      piece.coord = coord;
      piece.chunk = DimSelection::range(local, n, sel.step);
      piece.chunk.drop = sel.drop;
      if (out != nullptr) piece.out = sub_places(*out, k, n);
      piece.whole = local == 0 && n == s && (n == 1 || sel.step == 1);
      k = last + 1;
    }
    return;
  }
  // An index list: group positions by subchunk, keeping their order within each group.
  std::vector<std::pair<uint64_t, uint64_t>> keyed(sel.indices.size());  // (coord, k)
  for (uint64_t k = 0; k < sel.indices.size(); ++k) keyed[k] = {sel.indices[k] / s, k};
  std::sort(keyed.begin(), keyed.end());
  std::vector<bool> seen;
  for (size_t begin = 0; begin < keyed.size();) {
    const uint64_t coord = keyed[begin].first;
    size_t end = begin;
    while (end < keyed.size() && keyed[end].first == coord) ++end;
    Piece& piece = pieces.emplace_back();
    piece.coord = coord;
    assign_list(piece.chunk, sel.drop);
    if (out != nullptr) assign_list(piece.out, false);
    uint64_t distinct = 0;
    seen.assign(s, false);
    for (size_t i = begin; i < end; ++i) {
      const uint64_t k = keyed[i].second;
      const uint64_t local = sel.indices[k] - coord * s;
      piece.chunk.indices.push_back(local);
      if (out != nullptr) piece.out.indices.push_back(out->at(k));
      if (!seen[local]) {
        seen[local] = true;
        ++distinct;
      }
    }
    piece.whole = distinct == s;
    begin = end;
  }
}

void SubchunkSplit::split_points(const ChunkSelection& selection) {
  const size_t rank = subchunk_shape_.size();
  for (size_t j = 0; j < selection.out.size(); ++j) {
    if (!selection.out[j].drop) point_out_dim_ = j;
  }
  const uint64_t n = rank == 0 ? 0 : selection.chunk[0].size();
  std::vector<std::pair<uint64_t, uint64_t>> keyed(n);  // (subchunk linear index, point)
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t linear = 0;
    for (size_t d = 0; d < rank; ++d) {
      linear = linear * grid_[d] + selection.chunk[d].at(i) / subchunk_shape_[d];
    }
    keyed[i] = {linear, i};
  }
  std::sort(keyed.begin(), keyed.end());
  point_order_.resize(n);
  for (uint64_t i = 0; i < n; ++i) {
    point_order_[i] = keyed[i].second;
    if (i == 0 || keyed[i].first != keyed[i - 1].first) {
      group_start_.push_back(i);
      group_linear_.push_back(keyed[i].first);
    }
  }
  group_start_.push_back(n);
  size_ = group_linear_.size();
}

uint64_t SubchunkSplit::linear_index(size_t t) const {
  if (selection_->pointwise) return group_linear_[t];
  uint64_t linear = 0;
  uint64_t multiplier = 1;
  for (size_t d = pieces_.size(); d-- > 0;) {
    const size_t count = pieces_[d].size();
    linear += pieces_[d][t % count].coord * multiplier;
    t /= count;
    multiplier *= grid_[d];
  }
  return linear;
}

bool SubchunkSplit::covers_whole(size_t t) const {
  // Points rarely cover a subchunk; treating them as partial only costs a read.
  if (selection_->pointwise) return false;
  for (size_t d = pieces_.size(); d-- > 0;) {
    const size_t count = pieces_[d].size();
    if (!pieces_[d][t % count].whole) return false;
    t /= count;
  }
  return true;
}

void SubchunkSplit::materialize(size_t t, ChunkSelection& out) const {
  const ChunkSelection& selection = *selection_;
  const size_t rank = subchunk_shape_.size();
  out.pointwise = selection.pointwise;
  out.chunk.resize(rank);
  out.out.resize(selection.out.size());
  if (selection.pointwise) {
    for (size_t j = 0; j < selection.out.size(); ++j) {
      if (j != point_out_dim_) out.out[j] = selection.out[j];
    }
    DimSelection& places = out.out[point_out_dim_];
    assign_list(places, false);
    for (size_t d = 0; d < rank; ++d) assign_list(out.chunk[d], false);
    for (size_t i = group_start_[t]; i < group_start_[t + 1]; ++i) {
      const uint64_t point = point_order_[i];
      // Every point of the group lies in this subchunk, so its local coordinate is a remainder.
      for (size_t d = 0; d < rank; ++d) {
        out.chunk[d].indices.push_back(selection.chunk[d].at(point) % subchunk_shape_[d]);
      }
      places.indices.push_back(selection.out[point_out_dim_].at(point));
    }
    return;
  }
  for (size_t j = 0; j < selection.out.size(); ++j) {
    if (selection.out[j].drop) out.out[j] = selection.out[j];
  }
  for (size_t d = rank; d-- > 0;) {
    const size_t count = pieces_[d].size();
    const Piece& piece = pieces_[d][t % count];
    t /= count;
    out.chunk[d] = piece.chunk;
    if (paired_out_[d] != SIZE_MAX) out.out[paired_out_[d]] = piece.out;
  }
}

}  // namespace zarrphase::engine

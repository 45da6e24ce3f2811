// restrict_to_box: exact results for hand-made cases, and the tiling property on random
// selections — restricting to every box of a grid and copying each subchunk equals copying the
// whole chunk, for gather and scatter, orthogonal and pointwise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

#include "engine/selection_copy.h"
#include "kernels/box_copy.h"
#include "support/expect_error.h"
#include "zarrphase/error.h"

namespace zarrphase::engine {
namespace {

using testing::ExpectError;
using Rng = std::mt19937_64;
using Shape = std::vector<uint64_t>;

uint64_t Uniform(Rng& rng, uint64_t lo, uint64_t hi) {
  return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
}

uint64_t Product(const Shape& shape) {
  return std::accumulate(shape.begin(), shape.end(), uint64_t{1}, std::multiplies<>());
}

void ExpectDim(const DimSelection& d, uint64_t start, uint64_t count, uint64_t step) {
  EXPECT_EQ(d.kind, DimSelection::Kind::kRange);
  EXPECT_EQ(d.start, start);
  EXPECT_EQ(d.count, count);
  EXPECT_EQ(d.step, step);
}

void ExpectList(const DimSelection& d, const std::vector<uint64_t>& indices) {
  std::vector<uint64_t> positions;
  for (uint64_t i = 0; i < d.size(); ++i) positions.push_back(d.at(i));
  EXPECT_EQ(positions, indices);
}

ChunkSelection Make(std::vector<DimSelection> chunk, std::vector<DimSelection> out,
                    bool pointwise = false) {
  ChunkSelection sel;
  sel.key = "a/c/1/2";
  sel.chunk_coords = {1, 2};
  sel.chunk = std::move(chunk);
  sel.out = std::move(out);
  sel.pointwise = pointwise;
  return sel;
}

TEST(RestrictToBoxTest, StridedRangeKeepsItsStep) {
  // Chunk positions 1, 4, 7, 10, 13 -> caller places 10, 12, 14, 16, 18; box [4, 8) keeps
  // entries 1 and 2.
  const ChunkSelection sel = Make({DimSelection::range(1, 5, 3), DimSelection::all(6)},
                                  {DimSelection::range(10, 5, 2), DimSelection::all(6)});
  const auto r = restrict_to_box(sel, Shape{4, 0}, Shape{4, 6});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->key, "a/c/1/2");
  EXPECT_EQ(r->chunk_coords, (std::vector<uint64_t>{1, 2}));
  ExpectDim(r->chunk[0], 0, 2, 3);
  ExpectDim(r->out[0], 12, 2, 2);
  ExpectDim(r->chunk[1], 0, 6, 1);
  ExpectDim(r->out[1], 0, 6, 1);
  EXPECT_FALSE(restrict_to_box(sel, Shape{5, 0}, Shape{2, 6}).has_value());  // 5, 6: none
  EXPECT_FALSE(restrict_to_box(sel, Shape{14, 0}, Shape{100, 6}).has_value());
  EXPECT_FALSE(restrict_to_box(sel, Shape{0, 0}, Shape{0, 6}).has_value());  // empty box
}

TEST(RestrictToBoxTest, IndexListsKeepTheirOrderAndPairing) {
  const ChunkSelection sel = Make({DimSelection::list({9, 2, 5, 3})}, {DimSelection::all(4)});
  auto r = restrict_to_box(sel, Shape{2}, Shape{4});
  ASSERT_TRUE(r.has_value());
  ExpectList(r->chunk[0], {0, 3, 1});
  ExpectDim(r->out[0], 1, 3, 1);  // consecutive entries keep the caller side a range

  const ChunkSelection gaps = Make({DimSelection::list({2, 9, 3})}, {DimSelection::range(4, 3, 5)});
  r = restrict_to_box(gaps, Shape{2}, Shape{4});
  ASSERT_TRUE(r.has_value());
  ExpectList(r->chunk[0], {0, 1});
  ExpectList(r->out[0], {4, 14});
}

TEST(RestrictToBoxTest, DroppedDimensionsStayDroppedOrExcludeTheBox) {
  const ChunkSelection sel = Make({DimSelection::index(5), DimSelection::all(4)},
                                  {DimSelection::index(2), DimSelection::all(4)});
  auto r = restrict_to_box(sel, Shape{4, 2}, Shape{4, 2});
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->chunk[0].drop);
  EXPECT_EQ(r->chunk[0].at(0), 1u);
  ExpectDim(r->chunk[1], 0, 2, 1);
  EXPECT_TRUE(r->out[0].drop);  // the caller's dropped dimension is untouched
  EXPECT_EQ(r->out[0].at(0), 2u);
  ExpectDim(r->out[1], 2, 2, 1);
  EXPECT_FALSE(restrict_to_box(sel, Shape{0, 0}, Shape{4, 4}).has_value());
}

TEST(RestrictToBoxTest, PointwiseKeepsThePointsInside) {
  const ChunkSelection sel =
      Make({DimSelection::list({0, 5, 6, 7}), DimSelection::list({1, 1, 7, 2})},
           {DimSelection::range(3, 4)}, true);
  const auto r = restrict_to_box(sel, Shape{4, 0}, Shape{4, 4});
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->pointwise);
  ExpectList(r->chunk[0], {1, 3});
  ExpectList(r->chunk[1], {1, 2});
  ExpectList(r->out[0], {4, 6});
  EXPECT_FALSE(restrict_to_box(sel, Shape{0, 4}, Shape{4, 4}).has_value());
}

TEST(RestrictToBoxTest, BoxesNearTheTopOfTheRangeDoNotWrap) {
  const uint64_t top = UINT64_MAX - 2;
  const ChunkSelection sel = Make({DimSelection::range(top - 3, 3, 2)}, {DimSelection::all(3)});
  const auto r = restrict_to_box(sel, Shape{top - 2}, Shape{100});
  ASSERT_TRUE(r.has_value());
  ExpectDim(r->chunk[0], 1, 2, 2);  // positions top - 1 and top + 1, box from top - 2
  ExpectDim(r->out[0], 1, 2, 1);
}

TEST(RestrictToBoxTest, RejectsMalformedInput) {
  const ChunkSelection sel = Make({DimSelection::all(4)}, {DimSelection::all(4)});
  ExpectError(
      [&] {
        restrict_to_box(sel, Shape{0, 0}, Shape{2, 2});
      },
      ErrorCode::kInvalidArgument, {"restrict_to_box", "rank 2/2", "rank 1"});
  const ChunkSelection zero_step = Make({DimSelection::range(0, 2, 0)}, {DimSelection::all(2)});
  ExpectError([&] { restrict_to_box(zero_step, Shape{0}, Shape{2}); }, ErrorCode::kInvalidArgument,
              {"chunk dimension 0", "step 0"});
  const ChunkSelection unpaired = Make({DimSelection::all(4)}, {DimSelection::all(3)});
  ExpectError([&] { restrict_to_box(unpaired, Shape{0}, Shape{2}); }, ErrorCode::kInvalidArgument,
              {"chunk dimension 0", "4 elements"});
  const ChunkSelection ragged =
      Make({DimSelection::list({1, 2}), DimSelection::list({1})}, {DimSelection::all(2)}, true);
  ExpectError(
      [&] {
        restrict_to_box(ragged, Shape{0, 0}, Shape{2, 2});
      },
      ErrorCode::kInvalidArgument, {"pointwise"});
}

// ---- the tiling property on random selections ----

DimSelection RandomChunkDim(Rng& rng, uint64_t extent) {
  switch (Uniform(rng, 0, 4)) {
    case 0:
      return DimSelection::all(extent);
    case 1:
      return DimSelection::index(Uniform(rng, 0, extent - 1));
    case 2: {
      const uint64_t start = Uniform(rng, 0, extent - 1);
      const uint64_t step = Uniform(rng, 1, 4);
      return DimSelection::range(start, Uniform(rng, 0, (extent - 1 - start) / step + 1), step);
    }
    case 3: {  // sorted unique, like a mask
      std::vector<uint64_t> list;
      for (uint64_t i = 0; i < extent; ++i) {
        if (Uniform(rng, 0, 1) == 1) list.push_back(i);
      }
      return DimSelection::list(list);
    }
    default: {  // unsorted with duplicates
      std::vector<uint64_t> list(Uniform(rng, 0, extent + 3));
      for (auto& v : list) v = Uniform(rng, 0, extent - 1);
      return DimSelection::list(list);
    }
  }
}

// A caller dimension of `n` places: a shifted range, a strided range, or a permutation.
std::pair<DimSelection, uint64_t> RandomCallerDim(Rng& rng, uint64_t n) {
  const uint64_t extra = Uniform(rng, 0, 2);
  switch (Uniform(rng, 0, 2)) {
    case 0:
      return {DimSelection::range(extra, n), n + extra};
    case 1:
      return {DimSelection::range(extra, n, 2), 2 * n + extra};
    default: {
      std::vector<uint64_t> places(n);
      std::iota(places.begin(), places.end(), extra);
      std::shuffle(places.begin(), places.end(), rng);
      return {DimSelection::list(places), n + extra};
    }
  }
}

struct Case {
  Shape chunk_shape;
  Shape caller_shape;
  ChunkSelection selection;
};

Case RandomCase(Rng& rng, bool pointwise) {
  Case c;
  c.selection.pointwise = pointwise;
  const size_t rank = Uniform(rng, pointwise ? 1 : 0, 4);
  const uint64_t points = Uniform(rng, 0, 40);
  for (size_t d = 0; d < rank; ++d) {
    c.chunk_shape.push_back(Uniform(rng, 1, 9));
    if (pointwise) {
      std::vector<uint64_t> coords(points);
      for (auto& v : coords) v = Uniform(rng, 0, c.chunk_shape[d] - 1);
      c.selection.chunk.push_back(DimSelection::list(coords));
      continue;
    }
    c.selection.chunk.push_back(RandomChunkDim(rng, c.chunk_shape[d]));
    if (c.selection.chunk[d].drop) continue;
    auto [dim, extent] = RandomCallerDim(rng, c.selection.chunk[d].size());
    c.selection.out.push_back(std::move(dim));
    c.caller_shape.push_back(extent);
  }
  if (pointwise) {
    auto [dim, extent] = RandomCallerDim(rng, points);
    c.selection.out.push_back(std::move(dim));
    c.caller_shape.push_back(extent);
  }
  return c;
}

// Calls f(origin, extent) for every box of a grid of `box` over `shape`, edge boxes clipped.
template <typename F>
void ForEachBox(const Shape& shape, const Shape& box, F&& f) {
  const size_t rank = shape.size();
  Shape origin(rank, 0);
  while (true) {
    Shape extent(rank);
    for (size_t d = 0; d < rank; ++d) extent[d] = std::min(box[d], shape[d] - origin[d]);
    f(origin, extent);
    size_t d = rank;
    while (d > 0) {
      --d;
      origin[d] += box[d];
      if (origin[d] < shape[d]) break;
      origin[d] = 0;
      if (d == 0) return;
    }
    if (rank == 0) return;
  }
}

Bytes RandomBytes(Rng& rng, size_t n) {
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::byte>(Uniform(rng, 0, 255));
  return out;
}

TEST(RestrictToBoxTest, TilingAGridEqualsTheWholeChunk) {
  Rng rng(31337);
  for (int iteration = 0; iteration < 3000; ++iteration) {
    SCOPED_TRACE(iteration);
    const bool pointwise = iteration % 3 == 0;
    const Case c = RandomCase(rng, pointwise);
    const size_t es = (iteration % 4 == 1) ? 3 : 4;
    Shape box;
    for (const uint64_t e : c.chunk_shape) box.push_back(Uniform(rng, 1, e));
    const Bytes chunk = RandomBytes(rng, Product(c.chunk_shape) * es);
    const Bytes initial_out = RandomBytes(rng, Product(c.caller_shape) * es);

    Bytes whole_out = initial_out;
    gather(chunk, c.chunk_shape, c.selection,
           StridedArray::contiguous(whole_out.data(), c.caller_shape, es), es);
    Bytes value = RandomBytes(rng, Product(c.caller_shape) * es);
    const StridedArray value_array = StridedArray::contiguous(value.data(), c.caller_shape, es);
    Bytes whole_chunk = chunk;
    scatter(value_array, c.selection, whole_chunk, c.chunk_shape, es);

    Bytes tiled_out = initial_out;
    Bytes tiled_chunk = chunk;
    const Shape zeros(c.chunk_shape.size(), 0);
    uint64_t boxes_with_work = 0;
    ForEachBox(c.chunk_shape, box, [&](const Shape& origin, const Shape& extent) {
      const auto sub = restrict_to_box(c.selection, origin, extent);
      if (!sub) return;
      ++boxes_with_work;
      ASSERT_NO_THROW(validate_selection(*sub, extent, c.caller_shape));
      Bytes subchunk(Product(extent) * es);
      kernels::copy_box({chunk, c.chunk_shape, origin}, {subchunk, extent, zeros}, extent, es);
      gather(subchunk, extent, *sub, StridedArray::contiguous(tiled_out.data(), c.caller_shape, es),
             es);
      kernels::copy_box({tiled_chunk, c.chunk_shape, origin}, {subchunk, extent, zeros}, extent,
                        es);
      scatter(value_array, *sub, subchunk, extent, es);
      kernels::copy_box({subchunk, extent, zeros}, {tiled_chunk, c.chunk_shape, origin}, extent,
                        es);
    });
    ASSERT_EQ(tiled_out, whole_out);
    ASSERT_EQ(tiled_chunk, whole_chunk);
    // Some box has work exactly when the selection selects anything.
    bool anything = pointwise ? c.selection.chunk[0].size() > 0 : true;
    for (const DimSelection& d : c.selection.chunk) anything = anything && d.size() > 0;
    ASSERT_EQ(boxes_with_work > 0, anything);
  }
}

}  // namespace
}  // namespace zarrphase::engine

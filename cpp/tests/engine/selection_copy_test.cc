// gather / scatter / fill_selected / contiguous_destination against a plain reference: nested
// loops over the selection, one element at a time, on seeded random shapes, selections, element
// sizes and caller layouts (C, F, padded, negative and zero strides).
#include "engine/selection_copy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

#include "support/expect_error.h"
#include "zarrphase/error.h"

namespace zarrphase::engine {
namespace {

using testing::ExpectError;
using Rng = std::mt19937_64;

uint64_t Uniform(Rng& rng, uint64_t lo, uint64_t hi) {  // inclusive
  return std::uniform_int_distribution<uint64_t>(lo, hi)(rng);
}
bool Chance(Rng& rng, double p) { return std::bernoulli_distribution(p)(rng); }

std::vector<std::byte> RandomBytes(Rng& rng, size_t n) {
  std::vector<std::byte> out(n);
  for (auto& b : out) b = static_cast<std::byte>(Uniform(rng, 0, 255));
  return out;
}

uint64_t Product(const std::vector<uint64_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), uint64_t{1}, std::multiplies<>());
}

// A caller array in its own buffer, `data` pointing at element (0, ..., 0) inside it.
struct Caller {
  std::vector<std::byte> buffer;
  StridedArray array;
  int64_t origin = 0;  // offset of `data` in `buffer`
};

enum class Layout { kC, kF, kRandom };

// Memory order and sizes per `layout`; kRandom also pads, reverses and (if allowed) broadcasts.
Caller MakeCaller(Rng& rng, const std::vector<uint64_t>& shape, size_t element_size, Layout layout,
                  bool allow_zero_strides) {
  const size_t rank = shape.size();
  std::vector<size_t> order(rank);  // innermost first
  std::iota(order.begin(), order.end(), 0);
  if (layout == Layout::kC) std::reverse(order.begin(), order.end());
  if (layout == Layout::kRandom) std::shuffle(order.begin(), order.end(), rng);
  Caller c;
  c.array.shape = shape;
  c.array.byte_strides.assign(rank, 0);
  int64_t stride = static_cast<int64_t>(element_size);
  int64_t low = 0;
  int64_t high = 0;
  for (const size_t k : order) {
    const bool random = layout == Layout::kRandom;
    if (random && allow_zero_strides && Chance(rng, 0.15)) continue;  // broadcast dimension
    const int64_t pad = random && Chance(rng, 0.3) ? 2 : 1;
    const int64_t s = stride * pad * (random && Chance(rng, 0.3) ? -1 : 1);
    c.array.byte_strides[k] = s;
    const int64_t reach = s * static_cast<int64_t>(shape[k] == 0 ? 0 : shape[k] - 1);
    (reach < 0 ? low : high) += reach;
    stride *= pad * static_cast<int64_t>(std::max<uint64_t>(shape[k], 1));
  }
  c.buffer = RandomBytes(rng, static_cast<size_t>(high - low) + element_size);
  c.origin = -low;
  c.array.data = c.buffer.data() + c.origin;
  return c;
}

// Calls f(chunk element index, caller byte offset) for every selected pair, in C order of the
// selection (the order gather and scatter promise for duplicates).
template <typename F>
void ForEachPair(const ChunkSelection& sel, const std::vector<uint64_t>& chunk_shape,
                 const StridedArray& caller, F&& f) {
  auto caller_offset = [&](const std::vector<uint64_t>& paired_index) {
    int64_t offset = 0;
    size_t next = 0;
    for (size_t j = 0; j < sel.out.size(); ++j) {
      const uint64_t i = sel.out[j].drop ? 0 : paired_index[next++];
      offset += static_cast<int64_t>(sel.out[j].at(i)) * caller.byte_strides[j];
    }
    return offset;
  };
  auto flat = [&](auto&& position_of) {
    uint64_t f_index = 0;
    for (size_t d = 0; d < chunk_shape.size(); ++d)
      f_index = f_index * chunk_shape[d] + position_of(d);
    return f_index;
  };
  if (sel.pointwise) {
    for (uint64_t i = 0; i < sel.chunk[0].size(); ++i) {
      f(flat([&](size_t d) { return sel.chunk[d].at(i); }), caller_offset({i}));
    }
    return;
  }
  std::vector<size_t> loop;
  for (size_t d = 0; d < sel.chunk.size(); ++d) {
    if (!sel.chunk[d].drop) loop.push_back(d);
  }
  for (const size_t d : loop) {
    if (sel.chunk[d].size() == 0) return;
  }
  std::vector<uint64_t> index(loop.size(), 0);
  while (true) {
    std::vector<uint64_t> chunk_index(chunk_shape.size(), 0);
    for (size_t k = 0; k < loop.size(); ++k) chunk_index[loop[k]] = index[k];
    f(flat([&](size_t d) { return sel.chunk[d].at(chunk_index[d]); }), caller_offset(index));
    size_t k = loop.size();
    while (k > 0 && ++index[k - 1] == sel.chunk[loop[k - 1]].size()) index[--k] = 0;
    if (k == 0) return;
  }
}

std::vector<uint64_t> RandomList(Rng& rng, uint64_t extent, uint64_t n, bool distinct,
                                 bool sorted) {
  std::vector<uint64_t> out;
  if (distinct) {
    std::vector<uint64_t> all(extent);
    std::iota(all.begin(), all.end(), 0);
    std::shuffle(all.begin(), all.end(), rng);
    out.assign(all.begin(), all.begin() + static_cast<ptrdiff_t>(std::min(n, extent)));
  } else {
    for (uint64_t i = 0; i < n && extent > 0; ++i) out.push_back(Uniform(rng, 0, extent - 1));
  }
  if (sorted) std::sort(out.begin(), out.end());
  return out;
}

DimSelection RandomDim(Rng& rng, uint64_t extent, bool allow_drop) {
  if (extent == 0) return DimSelection::all(0);
  switch (Uniform(rng, 0, 7)) {
    case 0:
    case 1:
      return DimSelection::all(extent);
    case 2:
      if (allow_drop) return DimSelection::index(Uniform(rng, 0, extent - 1));
      [[fallthrough]];
    case 3: {
      const uint64_t start = Uniform(rng, 0, extent - 1);
      const uint64_t step = Uniform(rng, 1, 3);
      return DimSelection::range(start, Uniform(rng, 0, (extent - 1 - start) / step + 1), step);
    }
    case 4:  // arbitrary: unsorted, duplicates
      return DimSelection::list(RandomList(rng, extent, Uniform(rng, 0, extent + 2), false, false));
    case 5:  // a boolean mask's true entries
      return DimSelection::list(RandomList(rng, extent, Uniform(rng, 0, extent), true, true));
    case 6: {  // arithmetic, possibly descending
      const uint64_t n = Uniform(rng, 1, extent);
      std::vector<uint64_t> list(n);
      for (uint64_t i = 0; i < n; ++i) list[i] = i;
      if (Chance(rng, 0.5)) std::reverse(list.begin(), list.end());
      return DimSelection::list(list);
    }
    default: {
      DimSelection d = DimSelection::list({Uniform(rng, 0, extent - 1)});
      d.drop = allow_drop && Chance(rng, 0.5);  // zarr-python's drop_axes: a one-entry list
      return d;
    }
  }
}

// A caller-side selection of n places in a dimension of extent >= n, and that extent.
std::pair<DimSelection, uint64_t> RandomCallerDim(Rng& rng, uint64_t n) {
  const uint64_t step = Chance(rng, 0.2) ? 2 : 1;
  const uint64_t extent = (n == 0 ? 0 : (n - 1) * step + 1) + Uniform(rng, 0, 3);
  if (Chance(rng, 0.3) && n > 0) {
    return {DimSelection::list(RandomList(rng, extent, n, true, Chance(rng, 0.5))), extent};
  }
  const uint64_t span = n == 0 ? 0 : (n - 1) * step + 1;
  return {DimSelection::range(Uniform(rng, 0, extent - span), n, step), extent};
}

struct Case {
  std::vector<uint64_t> chunk_shape;
  std::vector<uint64_t> caller_shape;
  ChunkSelection selection;
};

void AddCallerDim(Rng& rng, Case& c, uint64_t n) {
  while (Chance(rng, 0.15)) {  // a dropped caller dimension: one fixed place
    const uint64_t extent = Uniform(rng, 1, 3);
    DimSelection d = DimSelection::index(Uniform(rng, 0, extent - 1));
    c.selection.out.push_back(d);
    c.caller_shape.push_back(extent);
  }
  auto [d, extent] = RandomCallerDim(rng, n);
  c.selection.out.push_back(std::move(d));
  c.caller_shape.push_back(extent);
}

Case RandomOrthogonal(Rng& rng) {
  Case c;
  const size_t rank = Uniform(rng, 0, 4);
  for (size_t d = 0; d < rank; ++d) {
    c.chunk_shape.push_back(Chance(rng, 0.03) ? 0 : Uniform(rng, 1, 7));
    c.selection.chunk.push_back(RandomDim(rng, c.chunk_shape[d], true));
    if (!c.selection.chunk[d].drop) AddCallerDim(rng, c, c.selection.chunk[d].size());
  }
  return c;
}

Case RandomPointwise(Rng& rng) {
  Case c;
  c.selection.pointwise = true;
  const size_t rank = Uniform(rng, 1, 4);
  const uint64_t n = Uniform(rng, 0, 30);
  for (size_t d = 0; d < rank; ++d) {
    c.chunk_shape.push_back(Uniform(rng, 1, 7));
    if (Chance(rng, 0.2) && n <= c.chunk_shape[d]) {
      c.selection.chunk.push_back(DimSelection::range(0, n));
    } else {
      c.selection.chunk.push_back(
          DimSelection::list(RandomList(rng, c.chunk_shape[d], n, false, false)));
    }
  }
  AddCallerDim(rng, c, n);
  return c;
}

const size_t kElementSizes[] = {1, 2, 3, 4, 8, 16, 5, 24};

Layout RandomLayout(Rng& rng) { return static_cast<Layout>(Uniform(rng, 0, 2)); }

void CheckGather(Rng& rng, const Case& c, size_t es, Layout layout) {
  const auto chunk = RandomBytes(rng, Product(c.chunk_shape) * es);
  Caller out = MakeCaller(rng, c.caller_shape, es, layout, true);
  std::vector<std::byte> expected = out.buffer;
  ForEachPair(c.selection, c.chunk_shape, out.array, [&](uint64_t flat, int64_t offset) {
    std::memcpy(expected.data() + out.origin + offset, chunk.data() + flat * es, es);
  });
  gather(chunk, c.chunk_shape, c.selection, out.array, es);
  ASSERT_EQ(out.buffer, expected) << "element size " << es;
}

void CheckScatter(Rng& rng, const Case& c, size_t es, Layout layout) {
  auto chunk = RandomBytes(rng, Product(c.chunk_shape) * es);
  const Caller value = MakeCaller(rng, c.caller_shape, es, layout, true);
  auto expected = chunk;
  ForEachPair(c.selection, c.chunk_shape, value.array, [&](uint64_t flat, int64_t offset) {
    std::memcpy(expected.data() + flat * es, value.buffer.data() + value.origin + offset, es);
  });
  scatter(value.array, c.selection, chunk, c.chunk_shape, es);
  ASSERT_EQ(chunk, expected) << "element size " << es;
}

void CheckFill(Rng& rng, const Case& c, size_t es, Layout layout) {
  Caller out = MakeCaller(rng, c.caller_shape, es, layout, false);
  const auto element =
      Chance(rng, 0.3) ? std::vector<std::byte>(es, std::byte{7}) : RandomBytes(rng, es);
  std::vector<std::byte> expected = out.buffer;
  ForEachPair(c.selection, c.chunk_shape, out.array, [&](uint64_t, int64_t offset) {
    std::memcpy(expected.data() + out.origin + offset, element.data(), es);
  });
  fill_selected(c.selection, out.array, element);
  ASSERT_EQ(out.buffer, expected) << "element size " << es;
}

// Whenever contiguous_destination answers, decoding into its run equals gathering.
void CheckContiguousDestination(Rng& rng, const Case& c, size_t es, Layout layout) {
  const auto chunk = RandomBytes(rng, Product(c.chunk_shape) * es);
  Caller out = MakeCaller(rng, c.caller_shape, es, layout, true);
  Caller direct = out;
  direct.array.data = direct.buffer.data() + direct.origin;
  const auto run = contiguous_destination(c.selection, c.chunk_shape, direct.array, es);
  if (!run) return;
  ASSERT_EQ(run->size(), chunk.size());
  if (!chunk.empty()) std::memcpy(run->data(), chunk.data(), chunk.size());
  gather(chunk, c.chunk_shape, c.selection, out.array, es);
  ASSERT_EQ(direct.buffer, out.buffer);
}

bool ReferenceWholeChunk(const Case& c) {
  std::vector<bool> seen(Product(c.chunk_shape), false);
  const StridedArray none{nullptr, c.caller_shape, std::vector<int64_t>(c.caller_shape.size(), 0)};
  ForEachPair(c.selection, c.chunk_shape, none, [&](uint64_t flat, int64_t) { seen[flat] = true; });
  return std::all_of(seen.begin(), seen.end(), [](bool b) { return b; });
}

TEST(SelectionCopyTest, RandomOrthogonalMatchesReference) {
  Rng rng(20240601);
  for (int iteration = 0; iteration < 4000; ++iteration) {
    const Case c = RandomOrthogonal(rng);
    SCOPED_TRACE(iteration);
    for (const size_t es : kElementSizes) {
      if (Chance(rng, 0.5)) continue;
      CheckGather(rng, c, es, RandomLayout(rng));
      CheckScatter(rng, c, es, RandomLayout(rng));
      CheckFill(rng, c, es, RandomLayout(rng));
      CheckContiguousDestination(rng, c, es, RandomLayout(rng));
    }
    ASSERT_EQ(selects_whole_chunk(c.selection, c.chunk_shape), ReferenceWholeChunk(c));
    if (HasFailure()) return;
  }
}

TEST(SelectionCopyTest, RandomPointwiseMatchesReference) {
  Rng rng(77);
  for (int iteration = 0; iteration < 3000; ++iteration) {
    const Case c = RandomPointwise(rng);
    SCOPED_TRACE(iteration);
    for (const size_t es : kElementSizes) {
      if (Chance(rng, 0.5)) continue;
      CheckGather(rng, c, es, RandomLayout(rng));
      CheckScatter(rng, c, es, RandomLayout(rng));
      CheckFill(rng, c, es, RandomLayout(rng));
      CheckContiguousDestination(rng, c, es, RandomLayout(rng));
    }
    ASSERT_EQ(selects_whole_chunk(c.selection, c.chunk_shape), ReferenceWholeChunk(c));
    if (HasFailure()) return;
  }
}

// Big enough that runs, merges and odometer carries all matter; few cases.
TEST(SelectionCopyTest, LargerShapesMatchReference) {
  Rng rng(5);
  for (int iteration = 0; iteration < 60; ++iteration) {
    Case c;
    const size_t rank = Uniform(rng, 1, 3);
    for (size_t d = 0; d < rank; ++d) {
      c.chunk_shape.push_back(Uniform(rng, 1, 40));
      c.selection.chunk.push_back(RandomDim(rng, c.chunk_shape[d], true));
      if (!c.selection.chunk[d].drop) AddCallerDim(rng, c, c.selection.chunk[d].size());
    }
    SCOPED_TRACE(iteration);
    for (const size_t es : {1, 4, 8, 3}) {
      CheckGather(rng, c, static_cast<size_t>(es), RandomLayout(rng));
      CheckScatter(rng, c, static_cast<size_t>(es), RandomLayout(rng));
    }
  }
}

std::vector<std::byte> Iota(size_t n) {
  std::vector<std::byte> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>(i * 13 + 1);
  return out;
}

TEST(SelectionCopyTest, RankZeroCopiesOneElement) {
  const std::vector<std::byte> chunk = Iota(3);
  std::vector<std::byte> out(3, std::byte{0});
  ChunkSelection sel;  // no dimensions on either side
  gather(chunk, {}, sel, StridedArray::contiguous(out.data(), {}, 3), 3);
  EXPECT_EQ(out, chunk);
  EXPECT_TRUE(selects_whole_chunk(sel, {}));
  const auto run = contiguous_destination(sel, {}, StridedArray::contiguous(out.data(), {}, 3), 3);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->data(), out.data());
  EXPECT_EQ(run->size(), 3u);
}

TEST(SelectionCopyTest, ZeroSizeSelectionsTouchNothing) {
  const std::vector<std::byte> chunk = Iota(4 * 6 * 4);
  ChunkSelection sel;
  sel.chunk = {DimSelection::range(1, 0), DimSelection::all(6)};
  sel.out = {DimSelection::range(0, 0), DimSelection::all(6)};
  // Even a null caller pointer is fine when nothing is selected.
  const StridedArray nothing{nullptr, {0, 6}, {24, 4}};
  const std::vector<uint64_t> shape = {4, 6};
  gather(chunk, shape, sel, nothing, 4);
  fill_selected(sel, nothing, Iota(4));
  std::vector<std::byte> mutable_chunk = chunk;
  scatter(nothing, sel, mutable_chunk, shape, 4);
  EXPECT_EQ(mutable_chunk, chunk);
  EXPECT_FALSE(selects_whole_chunk(sel, shape));
}

TEST(SelectionCopyTest, GatherIntoFortranOrderedOutput) {
  // chunk[i][j] = i * 10 + j, int32, 3x4, into a 3x4 F-ordered output.
  std::vector<int32_t> chunk(12);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 4; ++j) chunk[static_cast<size_t>(i * 4 + j)] = i * 10 + j;
  }
  std::vector<int32_t> out(12, -1);
  const StridedArray f_order{reinterpret_cast<std::byte*>(out.data()), {3, 4}, {4, 12}};
  ChunkSelection sel;
  sel.chunk = {DimSelection::all(3), DimSelection::all(4)};
  sel.out = {DimSelection::all(3), DimSelection::all(4)};
  gather(std::as_bytes(std::span(chunk)), std::vector<uint64_t>{3, 4}, sel, f_order, 4);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 4; ++j) EXPECT_EQ(out[static_cast<size_t>(j * 3 + i)], i * 10 + j);
  }
  EXPECT_FALSE(contiguous_destination(sel, std::vector<uint64_t>{3, 4}, f_order, 4).has_value());
}

TEST(SelectionCopyTest, ContiguousDestinationFindsTheRun) {
  // A 2x5 chunk into rows 3..4 of a C-ordered 8x5 output of uint16: one run at row 3.
  std::vector<uint16_t> out(40, 0);
  const StridedArray array =
      StridedArray::contiguous(reinterpret_cast<std::byte*>(out.data()), {8, 5}, 2);
  ChunkSelection sel;
  sel.chunk = {DimSelection::all(2), DimSelection::all(5)};
  sel.out = {DimSelection::range(3, 2), DimSelection::all(5)};
  const std::vector<uint64_t> shape = {2, 5};
  auto run = contiguous_destination(sel, shape, array, 2);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->data(), reinterpret_cast<std::byte*>(out.data() + 15));
  EXPECT_EQ(run->size(), 20u);

  // Columns 0..4 of a wider output are not one run; neither is a partial chunk.
  std::vector<uint16_t> wide(8 * 6);
  const StridedArray wide_array =
      StridedArray::contiguous(reinterpret_cast<std::byte*>(wide.data()), {8, 6}, 2);
  EXPECT_FALSE(contiguous_destination(sel, shape, wide_array, 2).has_value());
  ChunkSelection partial = sel;
  partial.chunk[1] = DimSelection::range(0, 4);
  partial.out[1] = DimSelection::range(0, 4);
  EXPECT_FALSE(contiguous_destination(partial, shape, wide_array, 2).has_value());

  // A dropped chunk dimension of extent 1 still covers the chunk: a 1x5 chunk into row 7.
  ChunkSelection row;
  row.chunk = {DimSelection::index(0), DimSelection::all(5)};
  row.out = {DimSelection::index(7), DimSelection::all(5)};
  run = contiguous_destination(row, std::vector<uint64_t>{1, 5}, array, 2);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->data(), reinterpret_cast<std::byte*>(out.data() + 35));
}

TEST(SelectionCopyTest, BroadcastScalarScatterFillsTheSelection) {
  // value[...] = 0x01020304 over chunk[1:3, ::2] of a 4x5 int32 chunk; zero strides broadcast.
  const uint32_t scalar = 0x01020304;
  const StridedArray value{
      reinterpret_cast<std::byte*>(const_cast<uint32_t*>(&scalar)), {2, 3}, {0, 0}};
  std::vector<uint32_t> chunk(20, 0);
  ChunkSelection sel;
  sel.chunk = {DimSelection::range(1, 2), DimSelection::range(0, 3, 2)};
  sel.out = {DimSelection::all(2), DimSelection::all(3)};
  scatter(value, sel, std::as_writable_bytes(std::span(chunk)), std::vector<uint64_t>{4, 5}, 4);
  for (size_t i = 0; i < 4; ++i) {
    for (size_t j = 0; j < 5; ++j) {
      const bool selected = (i == 1 || i == 2) && j % 2 == 0;
      EXPECT_EQ(chunk[i * 5 + j], selected ? scalar : 0u) << i << "," << j;
    }
  }
}

TEST(SelectionCopyTest, WholeChunkBroadcastAndFillUseRuns) {
  // A whole 16x16 chunk of 3-byte elements from one broadcast value, and a fill of a strided
  // region: both take the run paths (fill_elements) and must still be exact.
  const std::vector<std::byte> element = Iota(3);
  const StridedArray value{const_cast<std::byte*>(element.data()), {16, 16}, {0, 0}};
  std::vector<std::byte> chunk(16 * 16 * 3);
  ChunkSelection sel;
  sel.chunk = {DimSelection::all(16), DimSelection::all(16)};
  sel.out = {DimSelection::all(16), DimSelection::all(16)};
  EXPECT_TRUE(selects_whole_chunk(sel, std::vector<uint64_t>{16, 16}));
  scatter(value, sel, chunk, std::vector<uint64_t>{16, 16}, 3);
  for (size_t i = 0; i < chunk.size(); ++i) ASSERT_EQ(chunk[i], element[i % 3]) << i;

  std::vector<std::byte> out(20 * 20 * 3, std::byte{0});
  ChunkSelection region;
  region.out = {DimSelection::range(2, 16), DimSelection::range(4, 16)};
  fill_selected(region, StridedArray::contiguous(out.data(), {20, 20}, 3), element);
  for (size_t i = 0; i < 20; ++i) {
    for (size_t j = 0; j < 20; ++j) {
      const bool inside = i >= 2 && i < 18 && j >= 4;
      for (size_t b = 0; b < 3; ++b) {
        ASSERT_EQ(out[(i * 20 + j) * 3 + b], inside ? element[b] : std::byte{0});
      }
    }
  }
}

TEST(SelectionCopyTest, ScatterWithDuplicatesLastWins) {
  // chunk[[1, 1, 2]] = [10, 20, 30]: numpy assigns in order, so chunk[1] == 20.
  std::vector<uint8_t> chunk(4, 0);
  std::vector<uint8_t> value = {10, 20, 30};
  ChunkSelection sel;
  sel.chunk = {DimSelection::list({1, 1, 2})};
  sel.out = {DimSelection::all(3)};
  scatter(StridedArray::contiguous(reinterpret_cast<std::byte*>(value.data()), {3}, 1), sel,
          std::as_writable_bytes(std::span(chunk)), std::vector<uint64_t>{4}, 1);
  EXPECT_EQ(chunk, (std::vector<uint8_t>{0, 20, 30, 0}));
}

TEST(StridedArrayTest, ContiguousHasCStrides) {
  std::byte storage[1];
  const StridedArray a = StridedArray::contiguous(storage, {2, 3, 4}, 8);
  EXPECT_EQ(a.data, storage);
  EXPECT_EQ(a.shape, (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(a.byte_strides, (std::vector<int64_t>{96, 32, 8}));
  EXPECT_TRUE(StridedArray::contiguous(storage, {}, 8).byte_strides.empty());
  ExpectError(
      [&] {
        StridedArray::contiguous(storage, {1ULL << 40, 1ULL << 30}, 16);
      },
      ErrorCode::kInvalidArgument, {"2-d array", "16-byte", "2^63"});
}

ChunkSelection Orthogonal(std::vector<DimSelection> chunk, std::vector<DimSelection> out) {
  ChunkSelection sel;
  sel.chunk = std::move(chunk);
  sel.out = std::move(out);
  return sel;
}

TEST(ValidateSelectionTest, AcceptsWellFormedSelections) {
  const std::vector<uint64_t> chunk = {4, 5};
  validate_selection(Orthogonal({DimSelection::all(4), DimSelection::list({4, 0})},
                                {DimSelection::range(1, 4), DimSelection::list({2, 2})}),
                     chunk, std::vector<uint64_t>{5, 3});
  validate_selection(Orthogonal({DimSelection::index(3), DimSelection::range(0, 3, 2)},
                                {DimSelection::range(0, 3)}),
                     chunk, std::vector<uint64_t>{3});
  ChunkSelection points = Orthogonal({DimSelection::list({0, 3}), DimSelection::list({4, 4})},
                                     {DimSelection::index(1), DimSelection::list({1, 0})});
  points.pointwise = true;
  validate_selection(points, chunk, std::vector<uint64_t>{2, 2});
}

TEST(ValidateSelectionTest, RejectsMalformedSelectionsNamingTheValue) {
  const std::vector<uint64_t> chunk = {4, 5};
  const std::vector<uint64_t> caller = {4, 5};
  auto check = [&](const ChunkSelection& sel, std::initializer_list<std::string_view> fragments,
                   const std::vector<uint64_t>& caller_shape) {
    ExpectError([&] { validate_selection(sel, chunk, caller_shape); }, ErrorCode::kInvalidArgument,
                fragments);
  };
  const DimSelection all4 = DimSelection::all(4);
  const DimSelection all5 = DimSelection::all(5);
  check(Orthogonal({all4}, {all4}), {"1 chunk dimensions", "rank 2"}, {4});
  check(Orthogonal({all4, all5}, {all4}), {"1 caller dimensions", "rank 2"}, caller);
  check(Orthogonal({all4, DimSelection::list({1, 5})}, {all4, DimSelection::range(0, 2)}),
        {"chunk dimension 1", "index 5", "extent 5"}, caller);
  check(Orthogonal({all4, DimSelection::range(2, 3, 2)}, {all4, DimSelection::range(0, 3)}),
        {"chunk dimension 1", "start 2", "step 2", "count 3", "extent 5"}, caller);
  check(Orthogonal({all4, DimSelection::range(0, 2, 0)}, {all4, DimSelection::range(0, 2)}),
        {"chunk dimension 1", "step 0"}, caller);
  check(Orthogonal({all4, DimSelection::range(1, 4, 1ULL << 63)}, {all4, all4}),
        {"chunk dimension 1", "exceeds extent 5"}, caller);
  check(Orthogonal({all4, all5}, {all4, DimSelection::range(0, 5, 2)}),
        {"caller dimension 1", "exceeds extent 5"}, caller);
  check(Orthogonal({all4, DimSelection::range(0, 3)}, {all4, all5}),
        {"chunk dimension 1 selects 3", "caller dimension 1 5"}, caller);
  DimSelection two_dropped = DimSelection::list({1, 2});
  two_dropped.drop = true;
  check(Orthogonal({all4, two_dropped}, {all4}), {"chunk dimension 1", "dropped", "2 elements"},
        {4});
  check(Orthogonal({all4, DimSelection::index(1)}, {all4, all5}),
        {"caller dimension 1 pairs with no chunk dimension"}, caller);
  check(Orthogonal({all4, all5}, {all4}), {"chunk dimension 1 pairs with no caller dimension"},
        {4});
  ChunkSelection ragged = Orthogonal({DimSelection::list({0, 1}), DimSelection::list({0})},
                                     {DimSelection::range(0, 2)});
  ragged.pointwise = true;
  check(ragged, {"pointwise chunk dimension 1", "1 points", "2"}, {4});
  ChunkSelection two_out = Orthogonal({DimSelection::list({0, 1}), DimSelection::list({0, 1})},
                                      {DimSelection::range(0, 2), DimSelection::range(0, 2)});
  two_out.pointwise = true;
  check(two_out, {"pointwise selection of 2 points", "exactly one caller dimension"}, caller);
  ChunkSelection rank0 = Orthogonal({}, {DimSelection::range(0, 1)});
  rank0.pointwise = true;
  ExpectError([&] { validate_selection(rank0, {}, std::vector<uint64_t>{1}); },
              ErrorCode::kInvalidArgument, {"rank-0"});
}

TEST(SelectionCopyTest, RejectsBadBuffersAndArrays) {
  const ChunkSelection sel = Orthogonal({DimSelection::all(4)}, {DimSelection::all(4)});
  std::vector<std::byte> small(15);
  std::vector<std::byte> out(16);
  const std::vector<uint64_t> shape = {4};
  const StridedArray out_array = StridedArray::contiguous(out.data(), {4}, 4);
  ExpectError([&] { gather(small, shape, sel, out_array, 4); }, ErrorCode::kInvalidArgument,
              {"gather", "15 bytes", "16"});
  ExpectError([&] { scatter(out_array, sel, small, shape, 4); }, ErrorCode::kInvalidArgument,
              {"scatter", "15 bytes"});
  ExpectError([&] { gather(out, shape, sel, out_array, 0); }, ErrorCode::kInvalidArgument,
              {"element size is 0"});
  const StridedArray no_strides{out.data(), {4}, {}};
  ExpectError([&] { gather(out, shape, sel, no_strides, 4); }, ErrorCode::kInvalidArgument,
              {"1 dimensions but 0 strides"});
  const StridedArray huge{out.data(), {4}, {INT64_MAX / 2}};
  ExpectError([&] { gather(out, shape, sel, huge, 4); }, ErrorCode::kInvalidArgument,
              {"2^63", "stride"});
  const StridedArray null_data{nullptr, {4}, {4}};
  ExpectError([&] { gather(out, shape, sel, null_data, 4); }, ErrorCode::kInvalidArgument,
              {"no data"});
  ExpectError([&] { fill_selected(sel, out_array, {}); }, ErrorCode::kInvalidArgument,
              {"element size is 0"});
  const std::vector<uint64_t> overflow_shape = {1ULL << 62, 8};
  const ChunkSelection sel2 = Orthogonal({DimSelection::range(0, 1), DimSelection::range(0, 1)},
                                         {DimSelection::range(0, 1), DimSelection::range(0, 1)});
  const StridedArray one = StridedArray::contiguous(out.data(), {1, 1}, 4);
  ExpectError([&] { gather(out, overflow_shape, sel2, one, 4); }, ErrorCode::kInvalidArgument,
              {"gather", "more than 2^63 bytes"});
  // An empty outer dimension does not hide inner ones whose strides overflow.
  const std::vector<uint64_t> hidden_overflow = {0, 1ULL << 40, 1ULL << 40};
  const ChunkSelection empty_sel =
      Orthogonal({DimSelection::range(0, 0), DimSelection::index(1), DimSelection::all(1)},
                 {DimSelection::range(0, 0), DimSelection::range(0, 1)});
  ExpectError([&] { gather({}, hidden_overflow, empty_sel, one, 4); }, ErrorCode::kInvalidArgument,
              {"more than 2^63 bytes"});
}

}  // namespace
}  // namespace zarrphase::engine

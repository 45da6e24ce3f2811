// gather's whole-row path (copy_rows): a chunk's rows copied to rows of the caller's array, in
// fixed 64- or 16-byte blocks for short rows and memcpy for the rest. Checked against an element
// by element reference for every row length class, with C-ordered, padded and reversed outputs.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/selection_copy.h"

namespace zarrphase::engine {
namespace {

struct RowCase {
  uint64_t row_elements;
  size_t element_size;
};

// A 3-D chunk of shape {4, 5, n} gathered whole into the box at {1, 2, 3} of a bigger caller
// array whose rows are padded (so chunk rows never merge into one run) and, when `reversed`, laid
// out back to front along the middle dimension (a negative stride).
void CheckGather(const RowCase& c, bool reversed) {
  const std::vector<uint64_t> chunk_shape = {4, 5, c.row_elements};
  const uint64_t es = c.element_size;
  const uint64_t chunk_bytes = 4 * 5 * c.row_elements * es;
  std::vector<std::byte> chunk(chunk_bytes);
  for (uint64_t i = 0; i < chunk_bytes; ++i)
    chunk[i] = static_cast<std::byte>((i * 131 + 7) & 0xFF);

  const std::vector<uint64_t> caller_shape = {6, 9, c.row_elements + 5};
  const int64_t row_stride = static_cast<int64_t>(caller_shape[2] * es + 24);  // padded rows
  const int64_t plane_stride = row_stride * static_cast<int64_t>(caller_shape[1]);
  std::vector<std::byte> buffer(static_cast<size_t>(plane_stride) * caller_shape[0],
                                std::byte{0xEE});
  StridedArray out;
  out.shape = caller_shape;
  out.byte_strides = {plane_stride, reversed ? -row_stride : row_stride, static_cast<int64_t>(es)};
  out.data =
      buffer.data() + (reversed ? row_stride * static_cast<int64_t>(caller_shape[1] - 1) : 0);

  ChunkSelection selection;
  selection.chunk = {DimSelection::all(4), DimSelection::all(5), DimSelection::all(c.row_elements)};
  selection.out = {DimSelection::range(1, 4), DimSelection::range(2, 5),
                   DimSelection::range(3, c.row_elements)};
  gather(chunk, chunk_shape, selection, out, es);

  std::vector<std::byte> expected(buffer.size(), std::byte{0xEE});
  for (uint64_t z = 0; z < 4; ++z) {
    for (uint64_t y = 0; y < 5; ++y) {
      for (uint64_t x = 0; x < c.row_elements; ++x) {
        const int64_t at = static_cast<int64_t>(z + 1) * out.byte_strides[0] +
                           static_cast<int64_t>(y + 2) * out.byte_strides[1] +
                           static_cast<int64_t>((x + 3) * es);
        const uint64_t from = ((z * 5 + y) * c.row_elements + x) * es;
        std::memcpy(expected.data() + (out.data - buffer.data()) + at, chunk.data() + from, es);
      }
    }
  }
  EXPECT_EQ(buffer, expected) << c.row_elements << " elements of " << es
                              << " bytes, reversed=" << reversed;
}

TEST(RowCopyTest, GatherOfWholeRowsMatchesElementCopyForEveryRowLength) {
  const RowCase cases[] = {
      {32, 2},   // 64-byte rows: a 32^3 uint16 subchunk
      {64, 2},   // 128 bytes: two 64-byte blocks
      {8, 2},    // 16 bytes: one 16-byte block
      {24, 2},   // 48 bytes: three 16-byte blocks
      {128, 2},  // 256 bytes: memcpy per row
      {5, 8},    // 40 bytes: memcpy per row
      {3, 1},    // 3 bytes
      {65, 4},   // 260 bytes
  };
  for (const RowCase& c : cases) {
    CheckGather(c, false);
    CheckGather(c, true);
  }
}

}  // namespace
}  // namespace zarrphase::engine

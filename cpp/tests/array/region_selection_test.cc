#include "array/region_selection.h"

#include <gtest/gtest.h>

#include <string>

#include "support/expect_error.h"
#include "zarrphase/array.h"

namespace zarrphase {
namespace {

using array_internal::dim_chunk_spans;
using testing::ExpectError;

TEST(RegionSelectionTest, RegionShapeCountsStridedElements) {
  EXPECT_EQ((Region{{0, 2, 5}, {10, 9, 5}, {1, 3, 2}}.shape()), (std::vector<uint64_t>{10, 3, 0}));
  EXPECT_EQ(Region::whole({4, 0}).shape(), (std::vector<uint64_t>{4, 0}));
}

TEST(RegionSelectionTest, DimSpansSplitAtChunkEdges) {
  // Elements 3..12 of chunks of 5: chunk 0 holds 3,4; chunk 1 holds 5..9; chunk 2 holds 10..12.
  const auto spans = dim_chunk_spans(3, 13, 1, 5);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].chunk_index, 0u);
  EXPECT_EQ(spans[0].in_chunk.start, 3u);
  EXPECT_EQ(spans[0].in_chunk.count, 2u);
  EXPECT_EQ(spans[1].in_chunk.start, 0u);
  EXPECT_EQ(spans[1].in_chunk.count, 5u);
  EXPECT_EQ(spans[1].in_output.start, 2u);
  EXPECT_EQ(spans[2].in_chunk.count, 3u);
  EXPECT_EQ(spans[2].in_output.start, 7u);
}

TEST(RegionSelectionTest, StepsLargerThanAChunkSkipChunks) {
  // 0, 7, 14, 21 in chunks of 3: chunks 0, 2, 4, 7.
  const auto spans = dim_chunk_spans(0, 22, 7, 3);
  ASSERT_EQ(spans.size(), 4u);
  const uint64_t expected_chunks[] = {0, 2, 4, 7};
  const uint64_t expected_offsets[] = {0, 1, 2, 0};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(spans[i].chunk_index, expected_chunks[i]);
    EXPECT_EQ(spans[i].in_chunk.start, expected_offsets[i]);
    EXPECT_EQ(spans[i].in_chunk.count, 1u);
    EXPECT_EQ(spans[i].in_output.start, i);
  }
}

TEST(RegionSelectionTest, EveryElementLandsOnceInOrder) {
  for (uint64_t chunk = 1; chunk < 7; ++chunk) {
    for (uint64_t step = 1; step < 9; ++step) {
      for (uint64_t start = 0; start < 10; ++start) {
        const uint64_t stop = 23;
        uint64_t expected_k = 0;
        for (const auto& span : dim_chunk_spans(start, stop, step, chunk)) {
          EXPECT_EQ(span.in_output.start, expected_k);
          EXPECT_EQ(span.in_chunk.step, step);
          for (uint64_t i = 0; i < span.in_chunk.count; ++i) {
            const uint64_t position = span.chunk_index * chunk + span.in_chunk.at(i);
            EXPECT_LT(span.in_chunk.at(i), chunk);
            EXPECT_EQ(position, start + (expected_k + i) * step);
          }
          expected_k += span.in_chunk.count;
        }
        EXPECT_EQ(expected_k, start < stop ? (stop - start - 1) / step + 1 : 0);
      }
    }
  }
}

TEST(RegionSelectionTest, BatchCoversTheGridInCOrderWithKeys) {
  const std::vector<uint64_t> shape = {5, 4};
  const std::vector<uint64_t> chunks = {2, 3};
  const auto batch = array_internal::region_chunk_selections(
      Region::whole(shape), shape, chunks, [](std::span<const uint64_t> c) {
        return "c/" + std::to_string(c[0]) + "/" + std::to_string(c[1]);
      });
  ASSERT_EQ(batch.size(), 6u);
  EXPECT_EQ(batch[0].key, "c/0/0");
  EXPECT_EQ(batch[1].key, "c/0/1");
  EXPECT_EQ(batch[5].key, "c/2/1");
  EXPECT_EQ(batch[5].chunk[0].count, 1u);  // the ragged edge: row 4 only
  EXPECT_EQ(batch[5].chunk[1].count, 1u);  // column 3 only
  EXPECT_EQ(batch[5].out[1].start, 3u);
}

TEST(RegionSelectionTest, BadRegionsAreRejected) {
  const std::vector<uint64_t> shape = {5, 4};
  ExpectError(
      [&] {
        array_internal::validate_region(Region{{0}, {5}, {}}, shape);
      },
      ErrorCode::kInvalidArgument, {"rank 2"});
  ExpectError(
      [&] {
        array_internal::validate_region(Region{{0, 0}, {6, 4}, {}}, shape);
      },
      ErrorCode::kInvalidArgument, {"dimension 0", "extent 5"});
  ExpectError(
      [&] {
        array_internal::validate_region(Region{{0, 0}, {5, 4}, {1, 0}}, shape);
      },
      ErrorCode::kInvalidArgument, {"step of dimension 1 is 0"});
}

}  // namespace
}  // namespace zarrphase

// ByteRange::resolve: HTTP-style clamping, never past the end, never overflowing.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <utility>

#include "zarrphase/store.h"

namespace zarrphase {
namespace {

using Span = std::pair<uint64_t, uint64_t>;
constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

TEST(ByteRange, AllSelectsTheWholeValue) {
  EXPECT_EQ(ByteRange::all().resolve(10), Span(0, 10));
  EXPECT_EQ(ByteRange::all().resolve(0), Span(0, 0));
  EXPECT_EQ(ByteRange{}, ByteRange::all());
}

TEST(ByteRange, RangeInsideTheValue) {
  EXPECT_EQ(ByteRange::range(2, 3).resolve(10), Span(2, 5));
  EXPECT_EQ(ByteRange::range(0, 10).resolve(10), Span(0, 10));
  EXPECT_EQ(ByteRange::range(4, 0).resolve(10), Span(4, 4));
}

TEST(ByteRange, RangeIsClampedToTheEnd) {
  EXPECT_EQ(ByteRange::range(8, 100).resolve(10), Span(8, 10));
  EXPECT_EQ(ByteRange::range(10, 5).resolve(10), Span(10, 10));
  // Starting past the end selects nothing, at the end (not an error, not past it).
  EXPECT_EQ(ByteRange::range(50, 5).resolve(10), Span(10, 10));
  EXPECT_EQ(ByteRange::range(0, 5).resolve(0), Span(0, 0));
}

TEST(ByteRange, RangeNeverOverflows) {
  EXPECT_EQ(ByteRange::range(kMax, kMax).resolve(10), Span(10, 10));
  EXPECT_EQ(ByteRange::range(5, kMax).resolve(10), Span(5, 10));
  EXPECT_EQ(ByteRange::range(kMax - 1, 2).resolve(kMax), Span(kMax - 1, kMax));
  EXPECT_EQ(ByteRange::range(1, kMax).resolve(kMax), Span(1, kMax));
}

TEST(ByteRange, FromOffset) {
  EXPECT_EQ(ByteRange::from_offset(8).resolve(10), Span(8, 10));
  EXPECT_EQ(ByteRange::from_offset(0).resolve(10), Span(0, 10));
  EXPECT_EQ(ByteRange::from_offset(10).resolve(10), Span(10, 10));
  EXPECT_EQ(ByteRange::from_offset(kMax).resolve(10), Span(10, 10));
}

TEST(ByteRange, Suffix) {
  EXPECT_EQ(ByteRange::suffix(4).resolve(10), Span(6, 10));
  EXPECT_EQ(ByteRange::suffix(0).resolve(10), Span(10, 10));
  EXPECT_EQ(ByteRange::suffix(10).resolve(10), Span(0, 10));
  // A suffix longer than the value selects all of it.
  EXPECT_EQ(ByteRange::suffix(100).resolve(10), Span(0, 10));
  EXPECT_EQ(ByteRange::suffix(kMax).resolve(0), Span(0, 0));
}

TEST(ByteRange, FactoriesFillTheFields) {
  EXPECT_EQ(ByteRange::range(3, 4), (ByteRange{ByteRange::Kind::kRange, 3, 4}));
  EXPECT_EQ(ByteRange::from_offset(7), (ByteRange{ByteRange::Kind::kFromOffset, 7, 0}));
  EXPECT_EQ(ByteRange::suffix(9), (ByteRange{ByteRange::Kind::kSuffix, 0, 9}));
  EXPECT_NE(ByteRange::range(3, 4), ByteRange::range(3, 5));
}

}  // namespace
}  // namespace zarrphase

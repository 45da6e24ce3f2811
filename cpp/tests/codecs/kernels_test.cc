// Kernels against naive reference implementations.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "kernels/all_equal.h"
#include "kernels/box_copy.h"
#include "kernels/byte_swap.h"
#include "kernels/fill.h"
#include "kernels/transpose.h"
#include "zarrphase/error.h"

namespace zarrphase::kernels {
namespace {

Bytes Iota(size_t n) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>((i * 7 + i / 251) & 0xFF);
  return out;
}

uint64_t Product(const std::vector<uint64_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), uint64_t{1}, std::multiplies<>());
}

// out[index permuted] = in[index], one element at a time.
Bytes NaiveTranspose(const Bytes& in, const std::vector<uint64_t>& shape,
                     const std::vector<size_t>& order, size_t element_size) {
  const size_t rank = shape.size();
  std::vector<uint64_t> out_shape(rank);
  for (size_t i = 0; i < rank; ++i) out_shape[i] = shape[order[i]];
  Bytes out(in.size());
  const uint64_t count = Product(shape);
  std::vector<uint64_t> out_index(rank, 0);
  for (uint64_t linear_out = 0; linear_out < count; ++linear_out) {
    uint64_t rem = linear_out;
    for (size_t d = rank; d-- > 0;) {
      out_index[d] = rem % out_shape[d];
      rem /= out_shape[d];
    }
    std::vector<uint64_t> in_index(rank);
    for (size_t i = 0; i < rank; ++i) in_index[order[i]] = out_index[i];
    uint64_t linear_in = 0;
    for (size_t d = 0; d < rank; ++d) linear_in = linear_in * shape[d] + in_index[d];
    std::memcpy(out.data() + linear_out * element_size, in.data() + linear_in * element_size,
                element_size);
  }
  return out;
}

TEST(ByteSwapTest, SwapsEachUnit) {
  const Bytes in = Iota(48);
  for (const uint32_t unit : {1U, 2U, 3U, 4U, 8U, 16U}) {
    Bytes out(in.size());
    byte_swap(in, out, unit);
    for (size_t i = 0; i < in.size(); ++i) {
      const size_t group = i / unit * unit;
      EXPECT_EQ(out[i], in[group + unit - 1 - (i - group)]) << "unit " << unit << " byte " << i;
    }
    Bytes in_place = in;
    byte_swap(in_place, in_place, unit);
    EXPECT_TRUE(in_place == out) << "in-place swap differs, unit " << unit;
  }
}

TEST(ByteSwapTest, RejectsPartialUnits) {
  const Bytes in = Iota(6);
  Bytes out(6);
  EXPECT_THROW(byte_swap(in, out, 4), Error);
}

TEST(TransposeKernelTest, MatchesNaiveForManyShapesOrdersAndElementSizes) {
  struct Case {
    std::vector<uint64_t> shape;
    std::vector<size_t> order;
  };
  const std::vector<Case> cases = {
      {{}, {}},
      {{7}, {0}},
      {{3, 5}, {1, 0}},
      {{67, 130}, {1, 0}},  // several tiles with ragged edges
      {{1, 9}, {1, 0}},
      {{2, 3, 4}, {1, 2, 0}},
      {{2, 3, 4}, {2, 0, 1}},
      {{5, 1, 6}, {2, 1, 0}},
      {{4, 3, 5}, {0, 2, 1}},
      {{3, 4, 5}, {1, 0, 2}},  // innermost axis kept: copied as bigger elements
      {{2, 3, 4, 5}, {3, 1, 0, 2}},
      {{2, 2, 3, 2, 3}, {4, 2, 0, 3, 1}},
      {{3, 0, 2}, {2, 0, 1}},
  };
  for (const Case& c : cases) {
    for (const size_t element_size : {size_t{1}, size_t{2}, size_t{3}, size_t{4}, size_t{8},
                                      size_t{16}, size_t{32}, size_t{40}}) {
      const Bytes in = Iota(Product(c.shape) * element_size);
      Bytes out(in.size());
      transpose(in, c.shape, c.order, element_size, out);
      EXPECT_TRUE(out == NaiveTranspose(in, c.shape, c.order, element_size))
          << "shape rank " << c.shape.size() << " element size " << element_size;
    }
  }
}

TEST(TransposeKernelTest, RejectsBadOrderAndSize) {
  const Bytes in = Iota(24);
  Bytes out(24);
  const std::vector<uint64_t> shape = {2, 3, 4};
  EXPECT_THROW(transpose(in, shape, std::vector<size_t>{0, 0, 1}, 1, out), Error);
  EXPECT_THROW(transpose(in, shape, std::vector<size_t>{0, 1}, 1, out), Error);
  EXPECT_THROW(transpose(in, shape, std::vector<size_t>{0, 1, 2}, 2, out), Error);
}

TEST(BoxCopyTest, CopiesBoxBetweenArraysOfDifferentShapes) {
  const std::vector<uint64_t> src_shape = {4, 5, 6};
  const std::vector<uint64_t> dst_shape = {3, 7, 6};
  const size_t element_size = 2;
  const Bytes src = Iota(Product(src_shape) * element_size);
  Bytes dst(Product(dst_shape) * element_size, std::byte{0});
  const std::vector<uint64_t> src_origin = {1, 2, 0};
  const std::vector<uint64_t> dst_origin = {0, 3, 0};
  const std::vector<uint64_t> extent = {2, 3, 6};
  copy_box({src, src_shape, src_origin}, {dst, dst_shape, dst_origin}, extent, element_size);
  for (uint64_t i = 0; i < dst_shape[0]; ++i) {
    for (uint64_t j = 0; j < dst_shape[1]; ++j) {
      for (uint64_t k = 0; k < dst_shape[2]; ++k) {
        const size_t d = ((i * dst_shape[1] + j) * dst_shape[2] + k) * element_size;
        const bool inside = i < 2 && j >= 3 && j < 6;
        for (size_t b = 0; b < element_size; ++b) {
          std::byte expected{0};
          if (inside) {
            const uint64_t si = i + 1, sj = j - 3 + 2, sk = k;
            expected = src[((si * src_shape[1] + sj) * src_shape[2] + sk) * element_size + b];
          }
          ASSERT_EQ(dst[d + b], expected) << i << "," << j << "," << k;
        }
      }
    }
  }
}

TEST(BoxCopyTest, RejectsBoxOutsideArray) {
  const std::vector<uint64_t> shape = {4, 4};
  const Bytes src = Iota(16);
  Bytes dst(16);
  const std::vector<uint64_t> origin = {3, 0};
  const std::vector<uint64_t> zero = {0, 0};
  const std::vector<uint64_t> extent = {2, 2};
  EXPECT_THROW(copy_box({src, shape, origin}, {dst, shape, zero}, extent, 1), Error);
  Bytes small(8);
  EXPECT_THROW(copy_box({src, shape, zero}, {small, shape, zero}, extent, 1), Error);
}

TEST(BoxCopyTest, ContiguityRule) {
  const std::vector<uint64_t> shape = {4, 6, 8};
  EXPECT_TRUE(box_is_contiguous(shape, std::vector<uint64_t>{2, 6, 8}));
  EXPECT_TRUE(box_is_contiguous(shape, std::vector<uint64_t>{1, 3, 8}));
  EXPECT_TRUE(box_is_contiguous(shape, std::vector<uint64_t>{1, 1, 5}));
  EXPECT_FALSE(box_is_contiguous(shape, std::vector<uint64_t>{2, 3, 8}));
  EXPECT_FALSE(box_is_contiguous(shape, std::vector<uint64_t>{1, 2, 4}));
}

TEST(FillTest, FillsBoxOnly) {
  const std::vector<uint64_t> shape = {3, 4};
  Bytes data(12 * 3, std::byte{0});
  const Bytes element = {std::byte{1}, std::byte{2}, std::byte{3}};
  const std::vector<uint64_t> origin = {1, 1};
  const std::vector<uint64_t> extent = {2, 2};
  fill_box({data, shape, origin}, extent, element);
  for (uint64_t i = 0; i < 3; ++i) {
    for (uint64_t j = 0; j < 4; ++j) {
      const bool inside = i >= 1 && j >= 1 && j < 3;
      for (size_t b = 0; b < 3; ++b) {
        EXPECT_EQ(data[(i * 4 + j) * 3 + b], inside ? element[b] : std::byte{0});
      }
    }
  }
}

template <typename T>
Bytes ElementsOf(std::vector<T> values) {
  Bytes out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

TEST(AllEqualFillTest, FollowsZarrPythonRule) {
  const DataType f64 = DataType::float_(8);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(all_equal_fill(ElementsOf<double>({0.0, 0.0}), f64, ElementsOf<double>({0.0})));
  // Zero fill compares bits: -0.0 is not the fill.
  EXPECT_FALSE(all_equal_fill(ElementsOf<double>({0.0, -0.0}), f64, ElementsOf<double>({0.0})));
  // NaN fill matches any NaN.
  EXPECT_TRUE(all_equal_fill(ElementsOf<double>({nan, -nan}), f64, ElementsOf<double>({nan})));
  EXPECT_FALSE(all_equal_fill(ElementsOf<double>({nan, 1.0}), f64, ElementsOf<double>({nan})));
  // Complex compares by value: -0.0 equals 0.0.
  const DataType c64 = DataType::complex(8);
  EXPECT_TRUE(all_equal_fill(ElementsOf<float>({-0.0F, 0.0F}), c64, ElementsOf<float>({0, 0})));
  EXPECT_FALSE(all_equal_fill(ElementsOf<float>({1.0F, 0.0F}), c64, ElementsOf<float>({0, 0})));
  const DataType u16 = DataType::uint(2);
  const Bytes many = ElementsOf<uint16_t>(std::vector<uint16_t>(10000, 7));
  EXPECT_TRUE(all_equal_fill(many, u16, ElementsOf<uint16_t>({7})));
  Bytes last_differs = many;
  last_differs.back() = std::byte{1};
  EXPECT_FALSE(all_equal_fill(last_differs, u16, ElementsOf<uint16_t>({7})));
  EXPECT_TRUE(all_equal_fill({}, u16, ElementsOf<uint16_t>({7})));
}

}  // namespace
}  // namespace zarrphase::kernels

#include "format/float_bits.h"

#include <bit>
#include <cmath>
#include <limits>

namespace zarrphase::format {

double half_bits_to_double(uint16_t bits) {
  const bool negative = (bits & 0x8000u) != 0;
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  double magnitude = 0.0;
  if (exponent == 0x1f) {
    if (mantissa != 0) {
      // Keep the payload: binary16 NaN mantissa bits land at the top of the double's.
      const uint64_t payload = static_cast<uint64_t>(mantissa) << 42;
      const uint64_t sign = negative ? (uint64_t{1} << 63) : 0;
      return std::bit_cast<double>(sign | 0x7ff0000000000000u | payload);
    }
    magnitude = std::numeric_limits<double>::infinity();
  } else if (exponent == 0) {
    magnitude = std::ldexp(static_cast<double>(mantissa), -24);  // subnormal: m * 2^-24
  } else {
    magnitude = std::ldexp(static_cast<double>(mantissa | 0x400), exponent - 25);
  }
  return negative ? -magnitude : magnitude;
}

uint16_t double_to_half_bits(double value) {
  const uint64_t bits = std::bit_cast<uint64_t>(value);
  const uint16_t sign = static_cast<uint16_t>((bits >> 48) & 0x8000u);
  const int exponent = static_cast<int>((bits >> 52) & 0x7ff);
  const uint64_t mantissa = bits & 0xfffffffffffffu;
  if (exponent == 0x7ff) {
    if (mantissa == 0) return static_cast<uint16_t>(sign | 0x7c00u);
    // NaN: keep the top payload bits, as numpy does; if none survive it must stay a NaN.
    const auto payload = static_cast<uint16_t>(mantissa >> 42);
    return static_cast<uint16_t>(sign | 0x7c00u | (payload == 0 ? 1u : payload));
  }
  // value = significand * 2^(unbiased - 52) with the hidden bit made explicit.
  const int unbiased = exponent == 0 ? -1022 : exponent - 1023;
  const uint64_t significand = exponent == 0 ? mantissa : (mantissa | (uint64_t{1} << 52));
  if (significand == 0) return sign;
  if (unbiased > 15) return static_cast<uint16_t>(sign | 0x7c00u);  // overflows to infinity
  // Half keeps 11 significant bits for normals (unbiased >= -14); subnormals are multiples of
  // 2^-24. Either way the result is significand >> shift, rounded half to even.
  const int shift = unbiased >= -14 ? 42 : 42 + (-14 - unbiased);
  if (shift >= 64) return sign;  // far below the smallest subnormal: rounds to zero
  uint64_t result = significand >> shift;
  const uint64_t remainder = significand & ((uint64_t{1} << shift) - 1);
  const uint64_t half = uint64_t{1} << (shift - 1);
  if (remainder > half || (remainder == half && (result & 1u) != 0)) ++result;
  if (unbiased >= -14) {
    // result is in [2^10, 2^11]; rounding up may carry into the next binade.
    int half_exponent = unbiased + 15;
    if (result == (uint64_t{1} << 11)) {
      result >>= 1;
      ++half_exponent;
    }
    if (half_exponent >= 0x1f) return static_cast<uint16_t>(sign | 0x7c00u);
    return static_cast<uint16_t>(sign | (half_exponent << 10) | (result & 0x3ffu));
  }
  // Subnormal (a carry into 0x400 correctly yields the smallest normal).
  return static_cast<uint16_t>(sign | result);
}

float double_to_float(double value) {
  constexpr double kMax = static_cast<double>(std::numeric_limits<float>::max());
  // Halfway between FLT_MAX and 2^128: at or beyond it a float rounds to infinity (FLT_MAX has
  // an odd significand, so the tie goes up).
  const double overflow_threshold = std::ldexp(0x1ffffffp0, 103);
  if (std::isnan(value) || std::abs(value) <= kMax) return static_cast<float>(value);
  if (std::abs(value) >= overflow_threshold) {
    return std::signbit(value) ? -std::numeric_limits<float>::infinity()
                               : std::numeric_limits<float>::infinity();
  }
  return std::signbit(value) ? -std::numeric_limits<float>::max()
                             : std::numeric_limits<float>::max();
}

}  // namespace zarrphase::format

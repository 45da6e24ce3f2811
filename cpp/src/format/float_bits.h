// Exact conversions between JSON numbers (doubles) and the stored bits of float16/32/64.
//
// Fill values must survive parse -> write -> parse bit for bit, so these never go through a
// narrower type than needed and never invoke the undefined behaviour of an out-of-range
// floating-point cast (double -> float of 1e300 is UB in C++; numpy gives +inf).
#ifndef ZARRPHASE_FORMAT_FLOAT_BITS_H_
#define ZARRPHASE_FORMAT_FLOAT_BITS_H_

#include <cstdint>

namespace zarrphase::format {

// IEEE binary16 bits -> the double of exactly that value (every half is a double).
double half_bits_to_double(uint16_t bits);
// double -> nearest binary16 (round half to even, overflow to infinity, as numpy does).
// NaN keeps its sign and top payload bits (numpy's rule), so every half survives the trip.
uint16_t double_to_half_bits(double value);

// double -> nearest float (round half to even, overflow to infinity), without UB.
float double_to_float(double value);

// The quiet NaN Python's float('nan') / numpy's np.nan has in each width: what "NaN" means.
constexpr uint16_t kCanonicalNanHalf = 0x7e00;
constexpr uint32_t kCanonicalNanFloat = 0x7fc00000;
constexpr uint64_t kCanonicalNanDouble = 0x7ff8000000000000;

}  // namespace zarrphase::format

#endif  // ZARRPHASE_FORMAT_FLOAT_BITS_H_

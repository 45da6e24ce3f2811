#include "kernels/all_equal.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>

#include "kernels/fill.h"
#include "zarrphase/error.h"

namespace zarrphase::kernels {
namespace {

bool bitwise_all_equal(ByteView data, ByteView fill) {
  // Compare against a block of repeated fill elements: memcmp is vectorised, a per-element loop
  // is not.
  constexpr size_t kBlockElements = 256;
  const size_t size = fill.size();
  std::array<std::byte, 4096> storage;
  Bytes heap;
  MutableByteView block;
  if (size * kBlockElements <= storage.size()) {
    block = MutableByteView(storage.data(), size * kBlockElements);
  } else {
    heap.resize(size * kBlockElements);
    block = heap;
  }
  fill_elements(block, fill);
  for (size_t offset = 0; offset < data.size(); offset += block.size()) {
    const size_t n = std::min(block.size(), data.size() - offset);
    if (std::memcmp(data.data() + offset, block.data(), n) != 0) return false;
  }
  return true;
}

bool is_nan_half(const std::byte* p) {
  uint16_t bits;
  std::memcpy(&bits, p, sizeof(bits));
  return (bits & 0x7C00U) == 0x7C00U && (bits & 0x03FFU) != 0;
}

// Loads one floating-point component of `size` bytes (2, 4 or 8) as a double; half floats are
// only ever tested for NaN, so their value is not needed beyond that.
bool is_nan_component(const std::byte* p, uint32_t size) {
  if (size == 2) return is_nan_half(p);
  if (size == 4) {
    float f;
    std::memcpy(&f, p, sizeof(f));
    return std::isnan(f);
  }
  double d;
  std::memcpy(&d, p, sizeof(d));
  return std::isnan(d);
}

double component_value(const std::byte* p, uint32_t size) {
  if (size == 4) {
    float f;
    std::memcpy(&f, p, sizeof(f));
    return f;
  }
  double d;
  std::memcpy(&d, p, sizeof(d));
  return d;
}

bool complex_all_equal(ByteView data, uint32_t element_size, ByteView fill) {
  const uint32_t half = element_size / 2;
  const bool fill_nan =
      is_nan_component(fill.data(), half) || is_nan_component(fill.data() + half, half);
  const double fill_re = component_value(fill.data(), half);
  const double fill_im = component_value(fill.data() + half, half);
  for (size_t offset = 0; offset < data.size(); offset += element_size) {
    const std::byte* p = data.data() + offset;
    const bool nan = is_nan_component(p, half) || is_nan_component(p + half, half);
    if (nan != fill_nan) return false;
    if (!nan &&
        (component_value(p, half) != fill_re || component_value(p + half, half) != fill_im)) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool all_equal_fill(ByteView data, DataType dtype, ByteView fill) {
  const uint32_t size = dtype.size();
  if (fill.size() != size || data.size() % size != 0) {
    throw_invalid_argument("all_equal_fill: " + std::to_string(data.size()) + " bytes of " +
                           dtype.name() + " with a " + std::to_string(fill.size()) +
                           "-byte fill value");
  }
  if (dtype.kind() == DataTypeKind::kComplex && (size == 8 || size == 16)) {
    return complex_all_equal(data, size, fill);
  }
  if (dtype.kind() == DataTypeKind::kFloat && (size == 2 || size == 4 || size == 8) &&
      is_nan_component(fill.data(), size)) {
    for (size_t offset = 0; offset < data.size(); offset += size) {
      if (!is_nan_component(data.data() + offset, size)) return false;
    }
    return true;
  }
  return bitwise_all_equal(data, fill);
}

}  // namespace zarrphase::kernels

#include "zarrphase/fill_value.h"

#include <algorithm>
#include <string>

#include "zarrphase/error.h"

namespace zarrphase {

FillValue FillValue::zero(DataType dtype) {
  Bytes bytes(dtype.size());
  std::fill(bytes.begin(), bytes.end(), std::byte{0});
  return FillValue(std::move(bytes));
}

FillValue FillValue::from_bytes(DataType dtype, ByteView element) {
  if (element.size() != dtype.size()) {
    throw_invalid_argument("fill value of " + dtype.name() + " needs " +
                           std::to_string(dtype.size()) + " bytes, got " +
                           std::to_string(element.size()));
  }
  return FillValue(to_bytes(element));
}

bool FillValue::is_zero() const {
  return std::all_of(bytes_.begin(), bytes_.end(), [](std::byte b) { return b == std::byte{0}; });
}

// JSON conversions (from_json, from_v2_json, to_json) live in fill_value_json.cc.

}  // namespace zarrphase

// zarrphase/fill_value.h — fill values, held as the native-endian bytes of one element.
//
// Keeping the element's bytes (rather than a double or an int64) makes the fill value exact for
// every type: uint64 max, NaN payloads, -0.0, raw bits. JSON conversion follows the Zarr v3 spec
// and matches what zarr-python writes, so parse -> write -> parse is the identity.
#ifndef ZARRPHASE_FILL_VALUE_H_
#define ZARRPHASE_FILL_VALUE_H_

#include <nlohmann/json.hpp>

#include "zarrphase/buffer.h"
#include "zarrphase/dtype.h"

namespace zarrphase {

class FillValue {
 public:
  FillValue() = default;
  // Zero bytes of the type's size: false, 0, 0.0, all-zero raw bits.
  static FillValue zero(DataType dtype);
  // Exactly `dtype.size()` native-endian bytes.
  static FillValue from_bytes(DataType dtype, ByteView element);

  // Zarr v3 `fill_value`. Integers are exact across the whole int64/uint64 range; floats accept
  // numbers, "NaN", "Infinity", "-Infinity" and "0x..." bit patterns (most significant byte first);
  // complex types accept a two-element array of such floats; bool accepts true/false (and 0/1,
  // as zarr-python does); integer types accept integral floats (1.0, 1e10) in range; raw bits
  // accept an array of byte values (the spec) or base64 text (zarr-python). Floats out of a
  // narrower type's range round to infinity, as numpy does. Throws kInvalidMetadata naming the
  // value and the type.
  static FillValue from_json(const nlohmann::json& value, DataType dtype);

  // Zarr v2 `.zarray` fill_value: like v3 but `null` means "no fill value" (reads zeros, as
  // zarr-python does) and raw-bits types use base64 strings.
  static FillValue from_v2_json(const nlohmann::json& value, DataType dtype);

  // The JSON zarr-python writes for this value in a v3 zarr.json: integers exactly, floats as
  // the double they equal (float16/32 widened exactly), "NaN" / "Infinity" / "-Infinity",
  // complex as [re, im], raw bits as base64. One deliberate difference: a NaN other than the
  // canonical quiet NaN (payload or sign bit set) is written as its "0x..." bit pattern, which
  // zarr-python reads, where zarr-python itself would write "NaN" and lose the bits.
  nlohmann::json to_json(DataType dtype) const;

  ByteView bytes() const { return bytes_; }
  // True when every byte is zero (lets writers skip encoding all-zero fills).
  bool is_zero() const;

  friend bool operator==(const FillValue&, const FillValue&) = default;

 private:
  explicit FillValue(Bytes bytes) : bytes_(std::move(bytes)) {}
  Bytes bytes_;
};

}  // namespace zarrphase

#endif  // ZARRPHASE_FILL_VALUE_H_

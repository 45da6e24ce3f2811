// zarrphase/dtype.h — the Zarr data types the core runs natively.
//
// In memory every array is C-ordered and native-endian; endianness is a property of the stored
// bytes (the `bytes` codec in v3, the dtype string in v2), never of a DataType.
//
// Runs natively: bool, int8..int64, uint8..uint64, float16/32/64, complex64/128 and raw bits
// `r8`, `r16`, ... (any multiple of 8; zarr-python spells these {"name": "raw_bytes",
// "configuration": {"length_bytes": N}}). Everything else a Zarr array may declare (strings,
// bytes, datetimes, structured types, extension types, names zarrphase does not know) raises
// ErrorCode::kUnsupported, so a caller can fall back to another implementation; a value that is
// malformed in itself ("r12", a number, an object without a name) raises kInvalidMetadata.
#ifndef ZARRPHASE_DTYPE_H_
#define ZARRPHASE_DTYPE_H_

#include <bit>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace zarrphase {

enum class Endian : uint8_t { kLittle, kBig };

constexpr Endian native_endian() {
  return std::endian::native == std::endian::little ? Endian::kLittle : Endian::kBig;
}

enum class DataTypeKind : uint8_t { kBool, kInt, kUInt, kFloat, kComplex, kRawBits };

class DataType {
 public:
  constexpr DataType() = default;  // uint8
  constexpr DataType(DataTypeKind kind, uint32_t size) : kind_(kind), size_(size) {}

  static constexpr DataType boolean() { return {DataTypeKind::kBool, 1}; }
  static constexpr DataType int_(uint32_t bytes) { return {DataTypeKind::kInt, bytes}; }
  static constexpr DataType uint(uint32_t bytes) { return {DataTypeKind::kUInt, bytes}; }
  static constexpr DataType float_(uint32_t bytes) { return {DataTypeKind::kFloat, bytes}; }
  static constexpr DataType complex(uint32_t bytes) { return {DataTypeKind::kComplex, bytes}; }
  static constexpr DataType raw_bits(uint32_t bytes) { return {DataTypeKind::kRawBits, bytes}; }

  // Zarr v3 `data_type` name: "int16", "complex64", "r24". Throws kUnsupported for valid Zarr
  // types that are not run natively ("string", "bytes", "numpy.datetime64", ...) and
  // kInvalidMetadata for names no spec defines or malformed raw bits ("r0", "r12").
  static DataType from_v3_name(std::string_view name);

  // Zarr v3 `data_type` value: a name (see from_v3_name) or an object {"name", "configuration"},
  // e.g. zarr-python's {"name": "raw_bytes", "configuration": {"length_bytes": 3}}.
  static DataType from_v3_json(const nlohmann::json& value);

  // Zarr v2 / numpy typestr: "<i4", ">f8", "|b1", "|u1", "<c16", "|V3". The byte order is
  // returned through `endian` ('|' gives the native order). Unsupported kinds ("<U4", "|S8",
  // "|O", "<M8[ns]") throw kUnsupported.
  static DataType from_v2_typestr(std::string_view typestr, Endian* endian);

  DataTypeKind kind() const { return kind_; }
  // Bytes per element.
  uint32_t size() const { return size_; }
  // Bytes per byte-swapped unit: the component size for complex types, 1 for bool, 1-byte and
  // raw-bits types (which have no byte order), size() otherwise.
  uint32_t swap_unit() const;
  // True when the stored byte order matters (swap_unit() > 1).
  bool has_endianness() const { return swap_unit() > 1; }

  // Zarr v3 name, e.g. "float32" or "r16".
  std::string name() const;
  // The `data_type` zarr-python 3.4.2 writes: name() for the core types, and for raw bits its
  // {"name": "raw_bytes", "configuration": {"length_bytes": N}} (zarr-python cannot read "r16").
  nlohmann::json to_v3_json() const;
  // numpy typestr in the given byte order, e.g. "<f4", "|b1", "|V2".
  std::string v2_typestr(Endian endian) const;

  friend constexpr bool operator==(DataType, DataType) = default;

 private:
  DataTypeKind kind_ = DataTypeKind::kUInt;
  uint32_t size_ = 1;
};

}  // namespace zarrphase

#endif  // ZARRPHASE_DTYPE_H_

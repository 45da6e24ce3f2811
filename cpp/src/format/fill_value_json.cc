// JSON <-> FillValue, following the Zarr v3 core spec's fill_value rules and what zarr-python
// 3.4.2 writes. Integers never pass through double, so int64 min and uint64 max are exact.
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "format/base64.h"
#include "format/float_bits.h"
#include "format/json_util.h"
#include "zarrphase/error.h"
#include "zarrphase/fill_value.h"

namespace zarrphase {
namespace {

using Json = nlohmann::json;

[[noreturn]] void throw_bad_fill(const Json& value, DataType dtype, std::string_view why) {
  throw_invalid_metadata("fill_value " + format::describe(value) + " is not valid for " +
                         dtype.name() + ": " + std::string(why));
}

// Appends the low `size` bytes of `value` in native byte order.
void append_uint(uint64_t value, uint32_t size, Bytes& out) {
  switch (size) {
    case 1: {
      const auto v = static_cast<uint8_t>(value);
      out.push_back(static_cast<std::byte>(v));
      return;
    }
    case 2: {
      const auto v = static_cast<uint16_t>(value);
      const auto* p = reinterpret_cast<const std::byte*>(&v);
      out.insert(out.end(), p, p + sizeof(v));
      return;
    }
    case 4: {
      const auto v = static_cast<uint32_t>(value);
      const auto* p = reinterpret_cast<const std::byte*>(&v);
      out.insert(out.end(), p, p + sizeof(v));
      return;
    }
    default: {
      const auto* p = reinterpret_cast<const std::byte*>(&value);
      out.insert(out.end(), p, p + sizeof(value));
      return;
    }
  }
}

// Reads `size` (1, 2, 4 or 8) native-endian bytes as an unsigned integer.
uint64_t load_uint(ByteView bytes) {
  switch (bytes.size()) {
    case 1:
      return std::to_integer<uint64_t>(bytes[0]);
    case 2: {
      uint16_t v = 0;
      std::memcpy(&v, bytes.data(), sizeof(v));
      return v;
    }
    case 4: {
      uint32_t v = 0;
      std::memcpy(&v, bytes.data(), sizeof(v));
      return v;
    }
    default: {
      uint64_t v = 0;
      std::memcpy(&v, bytes.data(), sizeof(v));
      return v;
    }
  }
}

// Two's complement bits of an integer fill value, range-checked for `dtype`.
uint64_t parse_integer(const Json& value, DataType dtype) {
  const bool is_signed = dtype.kind() == DataTypeKind::kInt;
  const uint32_t bits = dtype.size() * 8;
  // Largest value as uint64 and the magnitude of the smallest (0 for unsigned types).
  const uint64_t max = is_signed ? (uint64_t{1} << (bits - 1)) - 1
                                 : (bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1);
  const uint64_t min_magnitude = is_signed ? uint64_t{1} << (bits - 1) : 0;
  if (value.is_number_unsigned()) {
    const uint64_t v = value.get<uint64_t>();
    if (v > max) throw_bad_fill(value, dtype, "out of range");
    return v;
  }
  if (value.is_number_integer()) {
    const int64_t v = value.get<int64_t>();
    if (v >= 0) {
      if (static_cast<uint64_t>(v) > max) throw_bad_fill(value, dtype, "out of range");
      return static_cast<uint64_t>(v);
    }
    // |v| without overflowing at INT64_MIN.
    const uint64_t magnitude = uint64_t{0} - static_cast<uint64_t>(v);
    if (magnitude > min_magnitude) throw_bad_fill(value, dtype, "out of range");
    return static_cast<uint64_t>(v);
  }
  if (value.is_number_float()) {
    // zarr-python accepts integral floats (1.0, 1e10); the bounds below are exact powers of two.
    const double v = value.get<double>();
    if (!std::isfinite(v) || std::trunc(v) != v) {
      throw_bad_fill(value, dtype, "expected an integer");
    }
    const double upper = std::ldexp(1.0, static_cast<int>(is_signed ? bits - 1 : bits));
    const double lower = is_signed ? -upper : 0.0;
    if (v < lower || v >= upper) throw_bad_fill(value, dtype, "out of range");
    return v < 0 ? static_cast<uint64_t>(static_cast<int64_t>(v)) : static_cast<uint64_t>(v);
  }
  throw_bad_fill(value, dtype, "expected an integer");
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Bits of one IEEE float of `size` bytes: a number, "NaN", "Infinity", "-Infinity" or "0x..."
// with exactly 2*size hex digits, most significant byte first.
uint64_t parse_float_bits(const Json& value, uint32_t size, DataType dtype) {
  double number = 0.0;
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text == "NaN") {
      return size == 2   ? format::kCanonicalNanHalf
             : size == 4 ? format::kCanonicalNanFloat
                         : format::kCanonicalNanDouble;
    }
    if (text == "Infinity" || text == "-Infinity") {
      number = text[0] == '-' ? -std::numeric_limits<double>::infinity()
                              : std::numeric_limits<double>::infinity();
    } else if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
      if (text.size() != 2 + 2 * size) {
        throw_bad_fill(value, dtype,
                       "a hex bit pattern needs exactly " + std::to_string(2 * size) + " digits");
      }
      uint64_t bits = 0;
      for (size_t i = 2; i < text.size(); ++i) {
        const int digit = hex_digit(text[i]);
        if (digit < 0) throw_bad_fill(value, dtype, "not a hex bit pattern");
        bits = (bits << 4) | static_cast<uint64_t>(digit);
      }
      return bits;
    } else {
      throw_bad_fill(value, dtype,
                     "expected a number, \"NaN\", \"Infinity\", \"-Infinity\" or \"0x...\"");
    }
  } else if (value.is_number()) {
    number = value.get<double>();  // exact for floats; integers round to nearest
  } else {
    throw_bad_fill(value, dtype, "expected a number or a special float string");
  }
  switch (size) {
    case 2:
      return format::double_to_half_bits(number);
    case 4:
      return std::bit_cast<uint32_t>(format::double_to_float(number));
    default:
      return std::bit_cast<uint64_t>(number);
  }
}

std::string hex_bits(uint64_t bits, uint32_t size) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "0x";
  for (uint32_t i = 2 * size; i-- > 0;) out += kDigits[(bits >> (4 * i)) & 0xfu];
  return out;
}

// The JSON zarr-python writes for one float, except that a NaN other than the canonical quiet
// NaN is written as its hex bit pattern (zarr-python writes "NaN" and loses the payload).
Json float_to_json(uint64_t bits, uint32_t size) {
  double value = 0.0;
  uint64_t canonical_nan = format::kCanonicalNanDouble;
  switch (size) {
    case 2:
      value = format::half_bits_to_double(static_cast<uint16_t>(bits));
      canonical_nan = format::kCanonicalNanHalf;
      break;
    case 4:
      value = static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(bits)));
      canonical_nan = format::kCanonicalNanFloat;
      break;
    default:
      value = std::bit_cast<double>(bits);
  }
  if (std::isnan(value)) return bits == canonical_nan ? Json("NaN") : Json(hex_bits(bits, size));
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return value;
}

Bytes parse_raw_bits(const Json& value, DataType dtype) {
  Bytes out;
  if (value.is_string()) {
    // zarr-python writes raw bytes fill values as base64.
    auto decoded = format::base64_decode(value.get_ref<const std::string&>());
    if (!decoded) throw_bad_fill(value, dtype, "not a base64 string");
    out = std::move(*decoded);
  } else if (value.is_array()) {
    // The v3 spec's form: one integer in [0, 255] per byte.
    if (value.size() != dtype.size()) {
      throw_bad_fill(value, dtype, "expected " + std::to_string(dtype.size()) + " byte values");
    }
    for (const auto& element : value) {
      // Non-negative JSON integers parse as unsigned; built in C++ they may be signed.
      const bool in_range = element.is_number_unsigned() ? element.get<uint64_t>() <= 0xff
                            : element.is_number_integer()
                                ? element.get<int64_t>() >= 0 && element.get<int64_t>() <= 0xff
                                : false;
      if (!in_range) throw_bad_fill(value, dtype, "byte values must be integers in [0, 255]");
      out.push_back(static_cast<std::byte>(element.get<int64_t>()));
    }
  } else {
    throw_bad_fill(value, dtype, "expected base64 text or an array of byte values");
  }
  if (out.size() != dtype.size()) {
    throw_bad_fill(value, dtype,
                   "holds " + std::to_string(out.size()) + " bytes, the type has " +
                       std::to_string(dtype.size()));
  }
  return out;
}

}  // namespace

FillValue FillValue::from_json(const Json& value, DataType dtype) {
  Bytes out;
  out.reserve(dtype.size());
  switch (dtype.kind()) {
    case DataTypeKind::kBool:
      if (value.is_boolean()) {
        out.push_back(static_cast<std::byte>(value.get<bool>() ? 1 : 0));
      } else if ((value.is_number_unsigned() || value.is_number_integer()) &&
                 (value == 0 || value == 1)) {
        out.push_back(static_cast<std::byte>(value == 1 ? 1 : 0));  // zarr-python reads 0 / 1
      } else {
        throw_bad_fill(value, dtype, "expected true or false");
      }
      break;
    case DataTypeKind::kInt:
    case DataTypeKind::kUInt:
      append_uint(parse_integer(value, dtype), dtype.size(), out);
      break;
    case DataTypeKind::kFloat:
      append_uint(parse_float_bits(value, dtype.size(), dtype), dtype.size(), out);
      break;
    case DataTypeKind::kComplex: {
      if (!value.is_array() || value.size() != 2) {
        throw_bad_fill(value, dtype, "expected [real, imaginary]");
      }
      const uint32_t half = dtype.size() / 2;
      append_uint(parse_float_bits(value[0], half, dtype), half, out);
      append_uint(parse_float_bits(value[1], half, dtype), half, out);
      break;
    }
    case DataTypeKind::kRawBits:
      out = parse_raw_bits(value, dtype);
      break;
  }
  return FillValue(std::move(out));
}

FillValue FillValue::from_v2_json(const Json& value, DataType dtype) {
  if (value.is_null()) return zero(dtype);  // "no fill value": zarr-python reads zeros
  return from_json(value, dtype);
}

Json FillValue::to_json(DataType dtype) const {
  if (bytes_.size() != dtype.size()) {
    throw_invalid_argument("fill value holds " + std::to_string(bytes_.size()) + " bytes, " +
                           dtype.name() + " needs " + std::to_string(dtype.size()));
  }
  switch (dtype.kind()) {
    case DataTypeKind::kBool:
      return bytes_[0] != std::byte{0};
    case DataTypeKind::kInt: {
      // Sign-extend the stored bits to int64.
      const uint64_t raw = load_uint(bytes_);
      const uint32_t unused = 64 - dtype.size() * 8;
      const uint64_t shifted = raw << unused;
      const auto value = static_cast<int64_t>(shifted) >> unused;
      return value;
    }
    case DataTypeKind::kUInt:
      return load_uint(bytes_);
    case DataTypeKind::kFloat:
      return float_to_json(load_uint(bytes_), dtype.size());
    case DataTypeKind::kComplex: {
      const uint32_t half = dtype.size() / 2;
      const ByteView view(bytes_);
      return Json::array({float_to_json(load_uint(view.first(half)), half),
                          float_to_json(load_uint(view.subspan(half)), half)});
    }
    case DataTypeKind::kRawBits:
      return format::base64_encode(bytes_);
  }
  return nullptr;
}

}  // namespace zarrphase

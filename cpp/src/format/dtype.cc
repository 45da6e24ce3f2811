#include "zarrphase/dtype.h"

#include <charconv>
#include <string>

#include "zarrphase/error.h"

namespace zarrphase {
namespace {

struct NamedType {
  std::string_view name;
  DataType type;
};

constexpr NamedType kV3Names[] = {
    {"bool", DataType::boolean()},    {"int8", DataType::int_(1)},
    {"int16", DataType::int_(2)},     {"int32", DataType::int_(4)},
    {"int64", DataType::int_(8)},     {"uint8", DataType::uint(1)},
    {"uint16", DataType::uint(2)},    {"uint32", DataType::uint(4)},
    {"uint64", DataType::uint(8)},    {"float16", DataType::float_(2)},
    {"float32", DataType::float_(4)}, {"float64", DataType::float_(8)},
    {"complex64", DataType::complex(8)}, {"complex128", DataType::complex(16)},
};

// Types the Zarr specs or zarr-python define that zarrphase does not run natively.
constexpr std::string_view kKnownUnsupportedV3[] = {
    "string", "bytes", "variable_length_bytes", "numpy.datetime64", "numpy.timedelta64",
    "fixed_length_utf32", "null_terminated_bytes", "struct", "structured", "bfloat16",
    "complex32", "float8_e4m3", "float8_e5m2", "int2", "int4", "uint2", "uint4",
};

bool parse_decimal(std::string_view text, uint32_t* value) {
  if (text.empty() || text.front() == '0') return false;  // no leading zeros, no empty
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

DataType DataType::from_v3_name(std::string_view name) {
  for (const auto& entry : kV3Names) {
    if (entry.name == name) return entry.type;
  }
  if (name.size() > 1 && name.front() == 'r') {
    uint32_t bits = 0;
    if (!parse_decimal(name.substr(1), &bits) || bits % 8 != 0) {
      throw_invalid_metadata("data_type \"" + std::string(name) +
                             "\": raw bits types are r<N> with N a positive multiple of 8");
    }
    return raw_bits(bits / 8);
  }
  for (auto known : kKnownUnsupportedV3) {
    if (known == name) {
      throw_unsupported("data_type \"" + std::string(name) + "\" is not run natively");
    }
  }
  throw_unsupported("data_type \"" + std::string(name) + "\" is not a data type zarrphase knows");
}

DataType DataType::from_v2_typestr(std::string_view typestr, Endian* endian) {
  const std::string quoted = "dtype \"" + std::string(typestr) + "\"";
  if (typestr.size() < 3) throw_invalid_metadata(quoted + " is not a numpy type string");
  const char order = typestr[0];
  const char kind = typestr[1];
  if (order != '<' && order != '>' && order != '|') {
    throw_invalid_metadata(quoted + ": byte order must be '<', '>' or '|'");
  }
  uint32_t size = 0;
  if (kind == 'M' || kind == 'm' || kind == 'U' || kind == 'S' || kind == 'O') {
    throw_unsupported(quoted + " is not run natively");
  }
  if (!parse_decimal(typestr.substr(2), &size)) {
    throw_invalid_metadata(quoted + ": the item size must be a positive decimal number");
  }
  DataType type;
  switch (kind) {
    case 'b':
      if (size != 1) throw_invalid_metadata(quoted + ": bool has item size 1");
      type = boolean();
      break;
    case 'i':
    case 'u':
      if (size != 1 && size != 2 && size != 4 && size != 8) {
        throw_invalid_metadata(quoted + ": integers have item size 1, 2, 4 or 8");
      }
      type = kind == 'i' ? int_(size) : uint(size);
      break;
    case 'f':
      if (size != 2 && size != 4 && size != 8) {
        throw_unsupported(quoted + ": floats of item size " + std::to_string(size) +
                          " are not run natively");
      }
      type = float_(size);
      break;
    case 'c':
      if (size != 8 && size != 16) {
        throw_unsupported(quoted + ": complex of item size " + std::to_string(size) +
                          " is not run natively");
      }
      type = complex(size);
      break;
    case 'V':
      type = raw_bits(size);
      break;
    default:
      throw_unsupported(quoted + " is not run natively");
  }
  if (endian) *endian = order == '>' ? Endian::kBig : order == '<' ? Endian::kLittle
                                                                    : native_endian();
  return type;
}

uint32_t DataType::swap_unit() const {
  switch (kind_) {
    case DataTypeKind::kBool:
    case DataTypeKind::kRawBits:
      return 1;
    case DataTypeKind::kComplex:
      return size_ / 2;
    default:
      return size_;
  }
}

std::string DataType::name() const {
  if (kind_ == DataTypeKind::kRawBits) return "r" + std::to_string(size_ * 8);
  for (const auto& entry : kV3Names) {
    if (entry.type == *this) return std::string(entry.name);
  }
  return "unknown";
}

std::string DataType::v2_typestr(Endian endian) const {
  char kind = 'u';
  switch (kind_) {
    case DataTypeKind::kBool: kind = 'b'; break;
    case DataTypeKind::kInt: kind = 'i'; break;
    case DataTypeKind::kUInt: kind = 'u'; break;
    case DataTypeKind::kFloat: kind = 'f'; break;
    case DataTypeKind::kComplex: kind = 'c'; break;
    case DataTypeKind::kRawBits: kind = 'V'; break;
  }
  const char order = !has_endianness() ? '|' : endian == Endian::kBig ? '>' : '<';
  return std::string{order, kind} + std::to_string(size_);
}

}  // namespace zarrphase

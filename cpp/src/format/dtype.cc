#include "zarrphase/dtype.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <string>

#include "format/json_util.h"
#include "zarrphase/error.h"

namespace zarrphase {
namespace {

struct NamedType {
  std::string_view name;
  DataType type;
};

constexpr NamedType kV3Names[] = {
    {"bool", DataType::boolean()},       {"int8", DataType::int_(1)},
    {"int16", DataType::int_(2)},        {"int32", DataType::int_(4)},
    {"int64", DataType::int_(8)},        {"uint8", DataType::uint(1)},
    {"uint16", DataType::uint(2)},       {"uint32", DataType::uint(4)},
    {"uint64", DataType::uint(8)},       {"float16", DataType::float_(2)},
    {"float32", DataType::float_(4)},    {"float64", DataType::float_(8)},
    {"complex64", DataType::complex(8)}, {"complex128", DataType::complex(16)},
};

// zarr-python's name for raw bits, as an object with the length in bytes.
constexpr std::string_view kRawBytesName = "raw_bytes";

bool parse_decimal(std::string_view text, uint32_t* value) {
  if (text.empty() || text.front() == '0') return false;  // no leading zeros, no empty
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *value);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

}  // namespace

DataType DataType::from_v3_name(std::string_view name) {
  for (const auto& entry : kV3Names) {
    if (entry.name == name) return entry.type;
  }
  if (name.size() > 1 && name.front() == 'r' && name[1] >= '0' && name[1] <= '9') {
    uint32_t bits = 0;
    if (!parse_decimal(name.substr(1), &bits) || bits % 8 != 0) {
      throw_invalid_metadata("data_type " + in_quotes(name) +
                             ": raw bits types are r<N> with N a positive multiple of 8");
    }
    return raw_bits(bits / 8);
  }
  if (name.empty()) throw_invalid_metadata("data_type must not be an empty name");
  // Strings, bytes, datetimes, structured and extension types: valid Zarr (or at least not
  // provably invalid), just not run natively, so a caller may fall back to zarr-python.
  throw_unsupported("data_type " + in_quotes(name) + " is not run natively");
}

DataType DataType::from_v3_json(const nlohmann::json& value) {
  if (value.is_string()) return from_v3_name(value.get<std::string>());
  // data_type must be understood even when it says "must_understand": false.
  const auto named = format::parse_named_configuration(value, "data_type", true);
  if (named.name == kRawBytesName) {
    format::check_configuration_members(named.configuration, {"length_bytes"},
                                        "data_type \"raw_bytes\"");
    const auto length = named.configuration.find("length_bytes");
    if (length == named.configuration.end()) {
      throw_invalid_metadata("data_type \"raw_bytes\" needs configuration.length_bytes");
    }
    const uint64_t bytes = format::parse_uint64(*length, "data_type \"raw_bytes\" length_bytes");
    if (bytes == 0 || bytes > UINT32_MAX / 8) {
      throw_invalid_metadata("data_type \"raw_bytes\" length_bytes must be in [1, " +
                             std::to_string(UINT32_MAX / 8) + "], got " + std::to_string(bytes));
    }
    return raw_bits(static_cast<uint32_t>(bytes));
  }
  if (!named.configuration.empty()) {
    // The core types take no configuration; a configured one is an extension we do not know.
    from_v3_name(named.name);  // throws for names that are not core types
    throw_invalid_metadata("data_type " + in_quotes(named.name) + " takes no configuration, got " +
                           format::describe(named.configuration));
  }
  return from_v3_name(named.name);
}

DataType DataType::from_v2_typestr(std::string_view typestr, Endian* endian) {
  const std::string what = "dtype " + in_quotes(typestr);
  if (typestr.size() < 2) throw_invalid_metadata(what + " is not a numpy type string");
  const char order = typestr[0];
  const char kind = typestr[1];
  if (order != '<' && order != '>' && order != '|') {
    throw_invalid_metadata(what + ": byte order must be '<', '>' or '|'");
  }
  // Strings, objects, datetimes: valid numpy types the core does not run.
  if (kind == 'M' || kind == 'm' || kind == 'U' || kind == 'S' || kind == 'O' || kind == 'a') {
    throw_unsupported(what + " is not run natively");
  }
  uint32_t size = 0;
  if (!parse_decimal(typestr.substr(2), &size)) {
    throw_invalid_metadata(what + ": the item size must be a positive decimal number");
  }
  DataType type;
  switch (kind) {
    case 'b':
      if (size != 1) throw_invalid_metadata(what + ": bool has item size 1");
      type = boolean();
      break;
    case 'i':
    case 'u':
      if (size != 1 && size != 2 && size != 4 && size != 8) {
        throw_invalid_metadata(what + ": integers have item size 1, 2, 4 or 8");
      }
      type = kind == 'i' ? int_(size) : uint(size);
      break;
    case 'f':
      if (size != 2 && size != 4 && size != 8) {
        throw_unsupported(what + ": floats of item size " + std::to_string(size) +
                          " are not run natively");
      }
      type = float_(size);
      break;
    case 'c':
      if (size != 8 && size != 16) {
        throw_unsupported(what + ": complex of item size " + std::to_string(size) +
                          " is not run natively");
      }
      type = complex(size);
      break;
    case 'V':
      if (size > UINT32_MAX / 8) throw_invalid_metadata(what + ": item size too large");
      type = raw_bits(size);
      break;
    default:
      throw_invalid_metadata(what + ": '" + std::string(1, kind) + "' is not a numpy type kind");
  }
  if (endian) {
    *endian = order == '>' ? Endian::kBig : order == '<' ? Endian::kLittle : native_endian();
  }
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
  if (kind_ == DataTypeKind::kRawBits) return "r" + std::to_string(uint64_t{size_} * 8);
  for (const auto& entry : kV3Names) {
    if (entry.type == *this) return std::string(entry.name);
  }
  return "unknown";
}

nlohmann::json DataType::to_v3_json() const {
  if (kind_ == DataTypeKind::kRawBits) {
    return {{"name", kRawBytesName}, {"configuration", {{"length_bytes", size_}}}};
  }
  return name();
}

std::string DataType::v2_typestr(Endian endian) const {
  char kind = 'u';
  switch (kind_) {
    case DataTypeKind::kBool:
      kind = 'b';
      break;
    case DataTypeKind::kInt:
      kind = 'i';
      break;
    case DataTypeKind::kUInt:
      kind = 'u';
      break;
    case DataTypeKind::kFloat:
      kind = 'f';
      break;
    case DataTypeKind::kComplex:
      kind = 'c';
      break;
    case DataTypeKind::kRawBits:
      kind = 'V';
      break;
  }
  const char order = !has_endianness() ? '|' : endian == Endian::kBig ? '>' : '<';
  return std::string{order, kind} + std::to_string(size_);
}

}  // namespace zarrphase

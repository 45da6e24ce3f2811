#include "codecs/compressor_config.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

std::string field_prefix(std::string_view codec, std::string_view field) {
  return std::string(codec) + ": configuration field \"" + std::string(field) + "\"";
}

}  // namespace

void reject_unknown_fields(const nlohmann::json& configuration, std::string_view codec,
                           std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : configuration.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      throw_invalid_metadata(std::string(codec) + ": unknown configuration field \"" + key + "\"");
    }
  }
}

int read_int_field(const nlohmann::json& configuration, std::string_view codec,
                   std::string_view field, std::optional<int> default_value, int min, int max) {
  const auto it = configuration.find(field);
  if (it == configuration.end()) {
    if (!default_value) throw_invalid_metadata(field_prefix(codec, field) + " is required");
    return *default_value;
  }
  const std::string range = " must be an integer from " + std::to_string(min) + " to " +
                            std::to_string(max) + ", got " + it->dump();
  if (!it->is_number_integer()) throw_invalid_metadata(field_prefix(codec, field) + range);
  // Compare in the widest type of the value so huge numbers cannot wrap into range.
  if (it->is_number_unsigned()) {
    const auto value = it->get<uint64_t>();
    if (max < 0 || value > static_cast<uint64_t>(max)) {
      throw_invalid_metadata(field_prefix(codec, field) + range);
    }
    if (static_cast<int64_t>(value) < min) {
      throw_invalid_metadata(field_prefix(codec, field) + range);
    }
    return static_cast<int>(value);
  }
  const auto value = it->get<int64_t>();
  if (value < min || value > max) throw_invalid_metadata(field_prefix(codec, field) + range);
  return static_cast<int>(value);
}

bool read_bool_field(const nlohmann::json& configuration, std::string_view codec,
                     std::string_view field, bool default_value) {
  const auto it = configuration.find(field);
  if (it == configuration.end()) return default_value;
  if (!it->is_boolean()) {
    throw_invalid_metadata(field_prefix(codec, field) + " must be true or false, got " +
                           it->dump());
  }
  return it->get<bool>();
}

std::string read_enum_field(const nlohmann::json& configuration, std::string_view codec,
                            std::string_view field, std::optional<std::string_view> default_value,
                            std::initializer_list<std::string_view> allowed) {
  const auto it = configuration.find(field);
  if (it == configuration.end()) {
    if (!default_value) throw_invalid_metadata(field_prefix(codec, field) + " is required");
    return std::string(*default_value);
  }
  if (it->is_string()) {
    const auto& value = it->get_ref<const std::string&>();
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  }
  std::string choices;
  for (auto choice : allowed) {
    choices += (choices.empty() ? "\"" : ", \"") + std::string(choice) + "\"";
  }
  throw_invalid_metadata(field_prefix(codec, field) + " must be one of " + choices + ", got " +
                         it->dump());
}

uint64_t saturating_add(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

uint64_t initial_decode_capacity(uint64_t input_size, uint64_t bound) {
  constexpr uint64_t kEagerLimit = uint64_t{64} << 20;
  if (bound <= kEagerLimit) return bound;
  const uint64_t guess = input_size > (uint64_t{1} << 60) ? bound : input_size * 4;
  return std::min(bound, std::max(guess, uint64_t{1} << 20));
}

uint64_t grown_decode_capacity(uint64_t current, uint64_t bound) {
  const uint64_t doubled = current > bound / 2 ? bound : current * 2;
  return std::min(bound, std::max(doubled, uint64_t{64} << 10));
}

void throw_corrupt_input(std::string_view codec, const std::string& what) {
  throw_corrupt(std::string(codec) + ": " + what);
}

void throw_too_large(std::string_view codec, std::string_view what, uint64_t size, uint64_t bound) {
  throw_corrupt(std::string(codec) + ": " + std::string(what) + " " + std::to_string(size) +
                " exceeds the " + std::to_string(bound) + " bytes this chunk can hold");
}

void throw_overflows_bound(std::string_view codec, uint64_t bound) {
  throw_corrupt(std::string(codec) +
                ": stream is truncated or corrupt, or decodes to more than the " +
                std::to_string(bound) + " bytes this chunk can hold");
}

void throw_size_mismatch(std::string_view codec, uint64_t decoded, uint64_t expected) {
  throw_corrupt(std::string(codec) + ": decoded " + std::to_string(decoded) +
                " bytes, expected exactly " + std::to_string(expected));
}

}  // namespace zarrphase::codecs

#include "format/json_util.h"

#include <algorithm>

#include "zarrphase/error.h"

namespace zarrphase::format {

std::string describe(const nlohmann::json& value) {
  constexpr size_t kMaxLength = 80;
  std::string text =
      value.dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
  if (text.size() > kMaxLength) text = text.substr(0, kMaxLength - 3) + "...";
  return text;
}

uint64_t parse_uint64(const nlohmann::json& value, std::string_view field) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer() && value.get<int64_t>() >= 0) {
    return static_cast<uint64_t>(value.get<int64_t>());
  }
  throw_invalid_metadata(std::string(field) + " must be a non-negative integer, got " +
                         describe(value));
}

std::vector<uint64_t> parse_uint64_array(const nlohmann::json& value, std::string_view field) {
  if (!value.is_array()) {
    throw_invalid_metadata(std::string(field) + " must be an array of non-negative integers, got " +
                           describe(value));
  }
  std::vector<uint64_t> out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    out.push_back(parse_uint64(value[i], std::string(field) + "[" + std::to_string(i) + "]"));
  }
  return out;
}

NamedConfiguration parse_named_configuration(const nlohmann::json& value, std::string_view field,
                                             bool allow_short_hand) {
  NamedConfiguration out;
  if (allow_short_hand && value.is_string()) {
    out.name = value.get<std::string>();
    return out;
  }
  const std::string what(field);
  if (!value.is_object()) {
    throw_invalid_metadata(what + " must be an object with a \"name\"" +
                           (allow_short_hand ? " or a name" : "") + ", got " + describe(value));
  }
  const auto name = value.find("name");
  if (name == value.end() || !name->is_string()) {
    throw_invalid_metadata(what + " needs a string \"name\", got " + describe(value));
  }
  out.name = name->get<std::string>();
  for (const auto& [key, member] : value.items()) {
    if (key == "name") continue;
    if (key == "configuration") {
      if (!member.is_object()) {
        throw_invalid_metadata(what + " \"" + out.name +
                               "\": configuration must be an object, got " + describe(member));
      }
      out.configuration = member;
      out.has_configuration = true;
    } else if (key == "must_understand") {
      if (!member.is_boolean()) {
        throw_invalid_metadata(what + " \"" + out.name +
                               "\": must_understand must be true or false, got " +
                               describe(member));
      }
    } else {
      throw_invalid_metadata(what + " \"" + out.name + "\": unexpected member \"" + key + "\"");
    }
  }
  return out;
}

void check_configuration_members(const nlohmann::json& configuration,
                                 std::initializer_list<std::string_view> allowed,
                                 std::string_view field) {
  for (const auto& [key, member] : configuration.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      throw_invalid_metadata(std::string(field) + ": unexpected configuration member \"" + key +
                             "\"");
    }
  }
}

bool is_ignorable_extension(const nlohmann::json& value) {
  if (!value.is_object()) return false;
  const auto flag = value.find("must_understand");
  return flag != value.end() && flag->is_boolean() && !flag->get<bool>();
}

}  // namespace zarrphase::format

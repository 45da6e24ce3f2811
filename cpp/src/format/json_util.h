// Small helpers the metadata parsers share: reading untrusted JSON fields with errors that name
// the field and the offending value.
#ifndef ZARRPHASE_FORMAT_JSON_UTIL_H_
#define ZARRPHASE_FORMAT_JSON_UTIL_H_

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace zarrphase::format {

// The value as compact JSON, shortened so a huge hostile value cannot flood an error message.
std::string describe(const nlohmann::json& value);

// A JSON integer in [0, 2^64), exactly (never through double). `field` names it in errors.
uint64_t parse_uint64(const nlohmann::json& value, std::string_view field);

// A JSON array of such integers.
std::vector<uint64_t> parse_uint64_array(const nlohmann::json& value, std::string_view field);

// A named extension value of the v3 spec: {"name": ..., "configuration": {...}}, or the
// short-hand string "name" where `allow_short_hand`. An optional "must_understand" member is
// accepted and ignored: the caller decides whether it understands `name`.
struct NamedConfiguration {
  std::string name;
  nlohmann::json configuration = nlohmann::json::object();
  bool has_configuration = false;
};
NamedConfiguration parse_named_configuration(const nlohmann::json& value, std::string_view field,
                                             bool allow_short_hand);

// Throws kInvalidMetadata when `configuration` has a member outside `allowed`.
void check_configuration_members(const nlohmann::json& configuration,
                                 std::initializer_list<std::string_view> allowed,
                                 std::string_view field);

// True for an extension object the reader may ignore: {"must_understand": false, ...}.
bool is_ignorable_extension(const nlohmann::json& value);

}  // namespace zarrphase::format

#endif  // ZARRPHASE_FORMAT_JSON_UTIL_H_

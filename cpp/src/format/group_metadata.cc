// GroupMetadata (zarr.json with node_type "group", or .zgroup) and parse_json.
#include <string>

#include "format/json_util.h"
#include "format/metadata_internal.h"
#include "zarrphase/error.h"
#include "zarrphase/metadata.h"

namespace zarrphase {
namespace {

using Json = nlohmann::json;

// Deeper nesting than any real metadata; the limit keeps hostile input from exhausting the
// stack of the recursive code that later walks or destroys the parsed value.
constexpr int kMaxJsonDepth = 256;

void check_attributes(const Json& attributes) {
  if (!attributes.is_object()) {
    throw_invalid_metadata("attributes must be an object, got " + format::describe(attributes));
  }
}

}  // namespace

GroupMetadata GroupMetadata::from_v3_json(const Json& document) {
  format::check_v3_header(document, "group");
  GroupMetadata m;
  for (const auto& [key, value] : document.items()) {
    if (key == "zarr_format" || key == "node_type") continue;
    if (key == "attributes") {
      check_attributes(value);
      m.attributes = value;
    } else if (key == "consolidated_metadata" && value.is_null()) {
      continue;  // zarr-python's "no consolidated metadata"
    } else {
      format::keep_extension_field(key, value, m.extra_fields);
    }
  }
  return m;
}

GroupMetadata GroupMetadata::from_v2_json(const Json& zgroup, const Json& attributes) {
  if (!zgroup.is_object()) {
    throw_invalid_metadata(".zgroup must be a JSON object, got " + format::describe(zgroup));
  }
  const Json& zarr_format = format::require_member(zgroup, "zarr_format", ".zgroup");
  if (zarr_format != 2) {
    throw_invalid_metadata("zarr_format must be 2, got " + format::describe(zarr_format));
  }
  check_attributes(attributes);
  GroupMetadata m;
  m.zarr_format = 2;
  m.attributes = attributes;
  return m;
}

Json GroupMetadata::to_v3_json() const {
  Json document = {{"attributes", attributes}, {"zarr_format", 3}, {"node_type", "group"}};
  for (const auto& [key, value] : extra_fields.items()) document[key] = value;
  return document;
}

Json parse_json(std::string_view text, std::string_view what) {
  const Json::parser_callback_t limit_depth = [](int depth, Json::parse_event_t event, Json&) {
    if ((event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth) {
      throw_invalid_metadata("JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), limit_depth);
  } catch (const Json::parse_error& error) {
    throw_invalid_metadata(std::string(what) + " is not valid JSON: " + error.what());
  } catch (const Error& error) {
    throw_invalid_metadata(std::string(what) + ": " + error.message());
  }
}

}  // namespace zarrphase

// Where a node's metadata lives in a store and what kind of node a path holds: shared by Array and
// Group so both agree on paths, v2/v3 documents and the "something is already there" rule.
#ifndef ZARRPHASE_ARRAY_NODE_IO_H_
#define ZARRPHASE_ARRAY_NODE_IO_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "zarrphase/store.h"

namespace zarrphase::array_internal {

// `path` + "/" + `name`, without a leading '/' for the root ("").
std::string join_path(std::string_view path, std::string_view name);

// The metadata documents found at a node's path.
struct NodeDocuments {
  enum class Kind : uint8_t { kNone, kArrayV3, kGroupV3, kArrayV2, kGroupV2 };
  Kind kind = Kind::kNone;
  nlohmann::json document;                               // zarr.json, .zarray or .zgroup
  nlohmann::json attributes = nlohmann::json::object();  // .zattrs (v2 only)
};

// Reads the node at `path`: zarr.json first, then v2's .zarray / .zgroup (+ .zattrs). Throws
// kInvalidMetadata naming the key for unparsable JSON or an unknown node_type.
NodeDocuments read_node(Store& store, std::string_view path);

// Writes `document` as the zarr.json of `path`, 2-space indented as zarr-python writes it.
void write_zarr_json(Store& store, std::string_view path, const nlohmann::json& document);

// Before creating a node at `path`: throws kInvalidArgument when one exists there and
// `overwrite` is false, else erases everything under the path.
void prepare_node_path(Store& store, std::string_view path, bool overwrite);

}  // namespace zarrphase::array_internal

#endif  // ZARRPHASE_ARRAY_NODE_IO_H_

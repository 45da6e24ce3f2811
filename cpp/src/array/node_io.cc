#include "array/node_io.h"

#include <string>

#include "zarrphase/error.h"
#include "zarrphase/metadata.h"

namespace zarrphase::array_internal {
namespace {

std::optional<nlohmann::json> read_json(Store& store, const std::string& key) {
  std::optional<Bytes> bytes = store.get(key);
  if (!bytes) return std::nullopt;
  return parse_json(as_string_view(*bytes), key);
}

std::string describe(std::string_view path) {
  return path.empty() ? std::string("the store's root") : "'" + std::string(path) + "'";
}

}  // namespace

std::string join_path(std::string_view path, std::string_view name) {
  if (path.empty()) return std::string(name);
  if (name.empty()) return std::string(path);
  return std::string(path) + "/" + std::string(name);
}

NodeDocuments read_node(Store& store, std::string_view path) {
  NodeDocuments node;
  const std::string v3_key = join_path(path, "zarr.json");
  if (std::optional<nlohmann::json> doc = read_json(store, v3_key)) {
    const auto type = doc->is_object() ? doc->find("node_type") : doc->end();
    if (type == doc->end() || !type->is_string()) {
      throw_invalid_metadata(v3_key + ": node_type must be \"array\" or \"group\"");
    }
    if (*type == "array") {
      node.kind = NodeDocuments::Kind::kArrayV3;
    } else if (*type == "group") {
      node.kind = NodeDocuments::Kind::kGroupV3;
    } else {
      throw_invalid_metadata(v3_key + ": node_type " + type->dump() +
                             " is neither \"array\" nor \"group\"");
    }
    node.document = std::move(*doc);
    return node;
  }
  if (std::optional<nlohmann::json> doc = read_json(store, join_path(path, ".zarray"))) {
    node.kind = NodeDocuments::Kind::kArrayV2;
    node.document = std::move(*doc);
  } else if (std::optional<nlohmann::json> group = read_json(store, join_path(path, ".zgroup"))) {
    node.kind = NodeDocuments::Kind::kGroupV2;
    node.document = std::move(*group);
  } else {
    return node;
  }
  if (std::optional<nlohmann::json> attrs = read_json(store, join_path(path, ".zattrs"))) {
    node.attributes = std::move(*attrs);
  }
  return node;
}

void write_zarr_json(Store& store, std::string_view path, const nlohmann::json& document) {
  store.set(join_path(path, "zarr.json"), as_bytes(document.dump(2)));
}

void prepare_node_path(Store& store, std::string_view path, bool overwrite) {
  if (read_node(store, path).kind == NodeDocuments::Kind::kNone) return;
  if (!overwrite) {
    throw_invalid_argument("a Zarr node already exists at " + describe(path) +
                           " (pass overwrite to replace it)");
  }
  if (path.empty()) {
    for (const std::string& key : store.list()) store.erase(key);
  } else {
    store.erase_prefix(std::string(path) + "/");
  }
}

}  // namespace zarrphase::array_internal

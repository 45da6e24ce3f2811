#include <algorithm>
#include <string>
#include <utility>

#include "array/node_io.h"
#include "zarrphase/array.h"
#include "zarrphase/error.h"

namespace zarrphase {
namespace {

using array_internal::NodeDocuments;

void validate_child_name(std::string_view name) {
  if (name.empty() || name.find('/') != std::string_view::npos) {
    throw_invalid_argument("child name '" + std::string(name) +
                           "' must be non-empty and contain no '/'");
  }
  validate_key(name);
}

}  // namespace

Group::Group(std::shared_ptr<Store> store, std::string path, GroupMetadata metadata)
    : store_(std::move(store)), path_(std::move(path)), metadata_(std::move(metadata)) {}

Group Group::open(std::shared_ptr<Store> store, std::string path) {
  NodeDocuments node = array_internal::read_node(*store, path);
  switch (node.kind) {
    case NodeDocuments::Kind::kGroupV3:
      return Group(std::move(store), std::move(path), GroupMetadata::from_v3_json(node.document));
    case NodeDocuments::Kind::kGroupV2:
      return Group(std::move(store), std::move(path),
                   GroupMetadata::from_v2_json(node.document, node.attributes));
    case NodeDocuments::Kind::kArrayV3:
    case NodeDocuments::Kind::kArrayV2:
      throw_invalid_argument("'" + path + "' is an array, not a group");
    case NodeDocuments::Kind::kNone:
      break;
  }
  throw_invalid_argument("no Zarr group at " +
                         (path.empty() ? std::string("the store's root") : "'" + path + "'"));
}

Group Group::create(std::shared_ptr<Store> store, std::string path, GroupMetadata metadata,
                    bool overwrite) {
  if (!path.empty()) validate_key(path);
  metadata.zarr_format = 3;
  array_internal::prepare_node_path(*store, path, overwrite);
  array_internal::write_zarr_json(*store, path, metadata.to_v3_json());
  return Group(std::move(store), std::move(path), std::move(metadata));
}

std::string Group::child_path(std::string_view name) const {
  validate_child_name(name);
  return array_internal::join_path(path_, name);
}

std::vector<Group::Child> Group::children() const {
  const DirListing listing = store_->list_dir(path_.empty() ? "" : path_ + "/");
  std::vector<Child> children;
  for (const std::string& prefix : listing.prefixes) {
    // "path/name/" -> "name"
    std::string name = prefix.substr(path_.empty() ? 0 : path_.size() + 1);
    name.pop_back();
    switch (array_internal::read_node(*store_, array_internal::join_path(path_, name)).kind) {
      case NodeDocuments::Kind::kArrayV3:
      case NodeDocuments::Kind::kArrayV2:
        children.push_back({std::move(name), NodeKind::kArray});
        break;
      case NodeDocuments::Kind::kGroupV3:
      case NodeDocuments::Kind::kGroupV2:
        children.push_back({std::move(name), NodeKind::kGroup});
        break;
      case NodeDocuments::Kind::kNone:
        break;  // a folder without metadata (e.g. an array's "c/") is not a child
    }
  }
  std::sort(children.begin(), children.end(),
            [](const Child& a, const Child& b) { return a.name < b.name; });
  return children;
}

Array Group::open_array(std::string_view name, EngineOptions options) const {
  return Array::open(store_, child_path(name), options);
}

Group Group::open_group(std::string_view name) const {
  return Group::open(store_, child_path(name));
}

Array Group::create_array(std::string_view name, ArrayMetadata metadata, bool overwrite,
                          EngineOptions options) const {
  return Array::create(store_, child_path(name), std::move(metadata), overwrite, options);
}

Group Group::create_group(std::string_view name, GroupMetadata metadata, bool overwrite) const {
  return Group::create(store_, child_path(name), std::move(metadata), overwrite);
}

}  // namespace zarrphase

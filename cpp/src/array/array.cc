#include "zarrphase/array.h"

#include <memory>
#include <string>
#include <utility>

#include "array/node_io.h"
#include "array/region_selection.h"
#include "zarrphase/error.h"

namespace zarrphase {
namespace {

using array_internal::NodeDocuments;

std::string array_label(const std::string& path) {
  return path.empty() ? std::string("array at the store's root") : "array '" + path + "'";
}

std::shared_ptr<const CodecChain> resolve_chain(const ArrayMetadata& metadata,
                                                const std::string& path) {
  try {
    return std::make_shared<const CodecChain>(
        CodecChain::from_json(metadata.codecs, metadata.chunk_spec()));
  } catch (const Error& e) {
    throw e.with_context(array_label(path));
  }
}

void check_caller_shape(const StridedArray& array, const std::vector<uint64_t>& expected,
                        const char* role) {
  if (array.shape != expected || array.byte_strides.size() != expected.size()) {
    std::string want;
    for (uint64_t extent : expected) want += (want.empty() ? "" : ", ") + std::to_string(extent);
    std::string got;
    for (uint64_t extent : array.shape) got += (got.empty() ? "" : ", ") + std::to_string(extent);
    throw_invalid_argument(std::string(role) + " has shape (" + got + ") but the region has (" +
                           want + ")");
  }
}

}  // namespace

Array::Array(std::shared_ptr<Store> store, std::string path, ArrayMetadata metadata,
             EngineOptions options)
    : store_(std::move(store)),
      path_(std::move(path)),
      metadata_(std::make_shared<const ArrayMetadata>(std::move(metadata))),
      chain_(resolve_chain(*metadata_, path_)),
      options_(options) {}

Array Array::open(std::shared_ptr<Store> store, std::string path, EngineOptions options) {
  NodeDocuments node = array_internal::read_node(*store, path);
  switch (node.kind) {
    case NodeDocuments::Kind::kArrayV3:
      return Array(std::move(store), std::move(path), ArrayMetadata::from_v3_json(node.document),
                   options);
    case NodeDocuments::Kind::kArrayV2:
      return Array(std::move(store), std::move(path),
                   ArrayMetadata::from_v2_json(node.document, node.attributes), options);
    case NodeDocuments::Kind::kGroupV3:
    case NodeDocuments::Kind::kGroupV2:
      throw_invalid_argument("'" + path + "' is a group, not an array");
    case NodeDocuments::Kind::kNone:
      break;
  }
  throw_invalid_argument("no Zarr array at " +
                         (path.empty() ? std::string("the store's root") : "'" + path + "'"));
}

Array Array::create(std::shared_ptr<Store> store, std::string path, ArrayMetadata metadata,
                    bool overwrite, EngineOptions options) {
  if (metadata.zarr_format != 3) {
    throw_invalid_argument("arrays are created as Zarr v3; got zarr_format " +
                           std::to_string(metadata.zarr_format));
  }
  if (!path.empty()) validate_key(path);
  // Resolving the chain first means invalid metadata never reaches the store.
  Array array(store, std::move(path), std::move(metadata), options);
  array_internal::prepare_node_path(*store, array.path_, overwrite);
  array.write_metadata();
  return array;
}

void Array::write_metadata() const {
  if (metadata_->zarr_format != 3) {
    throw_unsupported(array_label(path_) +
                      ": changing the metadata of a Zarr v2 array (.zarray) is not supported");
  }
  array_internal::write_zarr_json(*store_, path_, metadata_->to_v3_json());
}

std::string Array::chunk_key(std::span<const uint64_t> coords) const {
  return array_internal::join_path(path_, metadata_->chunk_key_encoding.encode(coords));
}

std::vector<ChunkSelection> Array::chunk_selections(const Region& region) const {
  return array_internal::region_chunk_selections(
      region, metadata_->shape, metadata_->chunk_shape,
      [this](std::span<const uint64_t> coords) { return chunk_key(coords); });
}

ExecutionStats Array::read(const Region& region, const StridedArray& out) const {
  std::vector<ChunkSelection> batch = chunk_selections(region);
  check_caller_shape(out, region.shape(), "read output");
  ReadPlan plan(chain_, std::move(batch), out, options_, array_label(path_));
  return execute(plan, *store_);
}

Bytes Array::read(const Region& region) const {
  const std::vector<uint64_t> shape = region.shape();
  const size_t element_size = metadata_->data_type.size();
  uint64_t count = 1;
  for (uint64_t extent : shape) count *= extent;
  Bytes out(count * element_size);
  read(region, StridedArray::contiguous(out.data(), shape, element_size));
  return out;
}

ExecutionStats Array::write(const Region& region, const StridedArray& value) const {
  std::vector<ChunkSelection> batch = chunk_selections(region);
  check_caller_shape(value, region.shape(), "write value");
  WritePlan plan(chain_, std::move(batch), value, options_, array_label(path_));
  return execute(plan, *store_);
}

void Array::resize(std::vector<uint64_t> new_shape) {
  if (new_shape.size() != metadata_->rank()) {
    throw_invalid_argument("resize to rank " + std::to_string(new_shape.size()) +
                           " of an array of rank " + std::to_string(metadata_->rank()));
  }
  ArrayMetadata resized = *metadata_;
  resized.shape = std::move(new_shape);
  const std::shared_ptr<const ArrayMetadata> old_metadata = metadata_;
  // Chunks wholly outside the new shape: every coordinate of the old grid with some dimension at
  // or past the new grid's extent.
  const std::vector<uint64_t> old_grid = metadata_->grid_shape();
  const std::vector<uint64_t> new_grid = resized.grid_shape();
  metadata_ = std::make_shared<const ArrayMetadata>(std::move(resized));
  try {
    write_metadata();
  } catch (...) {
    metadata_ = old_metadata;
    throw;
  }
  bool shrinks = false;
  for (size_t d = 0; d < old_grid.size(); ++d) shrinks = shrinks || new_grid[d] < old_grid[d];
  if (!shrinks || old_grid.empty()) return;
  std::vector<uint64_t> coords(old_grid.size(), 0);
  for (uint64_t extent : old_grid) {
    if (extent == 0) return;
  }
  while (true) {
    bool outside = false;
    for (size_t d = 0; d < coords.size(); ++d) outside = outside || coords[d] >= new_grid[d];
    if (outside) store_->erase(chunk_key(coords));
    size_t d = coords.size();
    while (d > 0 && ++coords[d - 1] == old_grid[d - 1]) coords[--d] = 0;
    if (d == 0) break;
  }
}

void Array::set_attributes(nlohmann::json attributes) {
  ArrayMetadata updated = *metadata_;
  updated.attributes = std::move(attributes);
  const std::shared_ptr<const ArrayMetadata> old_metadata = metadata_;
  metadata_ = std::make_shared<const ArrayMetadata>(std::move(updated));
  try {
    write_metadata();
  } catch (...) {
    metadata_ = old_metadata;
    throw;
  }
}

}  // namespace zarrphase

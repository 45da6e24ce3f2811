// zarrphase/array.h — Zarr arrays and groups on a store, for C++ users and the command line.
//
// Lifecycle:
//
//   auto store = zarrphase::make_filesystem_store("/data/example.zarr");
//   zarrphase::Group root = zarrphase::Group::create(store, "");
//   zarrphase::ArrayMetadata meta = ...;                 // shape, data_type, chunk_shape, codecs
//   zarrphase::Array a = root.create_array("temperature", meta);
//   a.write(zarrphase::Region::whole(a.shape()), value);  // value: a StridedArray of the region
//   zarrphase::Bytes data = a.read(region);               // C-ordered, native byte order
//
// An Array is a handle: the store, the path and the metadata read when it was opened, with the
// codec chain resolved once. Every read and write runs the engine's three phases (engine.h) with
// the native executor: one plan per call covering every chunk the region touches, compute on the
// process-wide pool (config.h).
//
// Threading: const methods (read, metadata) may run concurrently from many threads. Writes to
// disjoint chunks may run concurrently; writes that touch the same chunk or shard must be
// serialized by the caller (as in zarr-python). resize() must not overlap any other call on the
// same array.
//
// Paths are store keys of the node's folder: "" for the store's root, "group/array". Arrays are
// created as Zarr v3; Zarr v2 arrays (.zarray) open and read and write through the same engine.
#ifndef ZARRPHASE_ARRAY_H_
#define ZARRPHASE_ARRAY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zarrphase/buffer.h"
#include "zarrphase/codec.h"
#include "zarrphase/engine.h"
#include "zarrphase/metadata.h"
#include "zarrphase/selection.h"
#include "zarrphase/store.h"

namespace zarrphase {

// A box of an array with a positive step per dimension: along dimension d the elements
// start[d], start[d] + step[d], ... below stop[d].
struct Region {
  std::vector<uint64_t> start;
  std::vector<uint64_t> stop;
  std::vector<uint64_t> step;  // empty means all 1

  static Region whole(const std::vector<uint64_t>& shape);
  // Elements selected along each dimension.
  std::vector<uint64_t> shape() const;
};

class Array {
 public:
  // Opens the array at `path`: zarr.json (v3) or .zarray with .zattrs (v2). Throws kInvalidArgument
  // when nothing is there or it is a group, and what metadata parsing throws.
  static Array open(std::shared_ptr<Store> store, std::string path, EngineOptions options = {});
  // Writes `metadata` as a v3 zarr.json at `path` and returns the new array. When a node already
  // exists there: throws kInvalidArgument, or with `overwrite` erases everything under `path`.
  static Array create(std::shared_ptr<Store> store, std::string path, ArrayMetadata metadata,
                      bool overwrite = false, EngineOptions options = {});

  const ArrayMetadata& metadata() const { return *metadata_; }
  const std::vector<uint64_t>& shape() const { return metadata_->shape; }
  const std::string& path() const { return path_; }
  const CodecChain& codec_chain() const { return *chain_; }
  // How reads and writes of this handle plan their IO.
  const EngineOptions& options() const { return options_; }
  void set_options(const EngineOptions& options) { options_ = options; }

  // Reads `region` into `out` (shape region.shape(), the array's dtype in native byte order).
  ExecutionStats read(const Region& region, const StridedArray& out) const;
  // Reads `region` into a new C-ordered buffer.
  Bytes read(const Region& region) const;
  // Writes `value` (shape region.shape(); zero strides broadcast) into `region`.
  ExecutionStats write(const Region& region, const StridedArray& value) const;

  // Changes the shape and rewrites the metadata. As in zarr-python, chunks that lie wholly
  // outside the new shape are erased; chunks across the new edge keep their stored bytes.
  void resize(std::vector<uint64_t> new_shape);
  // Replaces the attributes and rewrites the metadata.
  void set_attributes(nlohmann::json attributes);

  // Store key of the chunk at grid coordinates `coords` (with the array's path).
  std::string chunk_key(std::span<const uint64_t> coords) const;
  // The engine batch for `region`: one selection per chunk it touches, in C order of the grid,
  // placing elements into a caller array of shape region.shape().
  std::vector<ChunkSelection> chunk_selections(const Region& region) const;

 private:
  Array(std::shared_ptr<Store> store, std::string path, ArrayMetadata metadata,
        EngineOptions options);
  void write_metadata() const;

  std::shared_ptr<Store> store_;
  std::string path_;
  std::shared_ptr<const ArrayMetadata> metadata_;
  std::shared_ptr<const CodecChain> chain_;
  EngineOptions options_;
};

class Group {
 public:
  enum class NodeKind : uint8_t { kArray, kGroup };
  struct Child {
    std::string name;
    NodeKind kind;
    friend bool operator==(const Child&, const Child&) = default;
  };

  // Opens the group at `path`: zarr.json (v3) or .zgroup with .zattrs (v2).
  static Group open(std::shared_ptr<Store> store, std::string path);
  // Writes a v3 group zarr.json at `path` (same overwrite rule as Array::create).
  static Group create(std::shared_ptr<Store> store, std::string path, GroupMetadata metadata = {},
                      bool overwrite = false);

  const GroupMetadata& metadata() const { return metadata_; }
  const std::string& path() const { return path_; }

  // The arrays and groups directly in this group, sorted by name.
  std::vector<Child> children() const;
  Array open_array(std::string_view name, EngineOptions options = {}) const;
  Group open_group(std::string_view name) const;
  Array create_array(std::string_view name, ArrayMetadata metadata, bool overwrite = false,
                     EngineOptions options = {}) const;
  Group create_group(std::string_view name, GroupMetadata metadata = {},
                     bool overwrite = false) const;

 private:
  Group(std::shared_ptr<Store> store, std::string path, GroupMetadata metadata);
  std::string child_path(std::string_view name) const;

  std::shared_ptr<Store> store_;
  std::string path_;
  GroupMetadata metadata_;
};

}  // namespace zarrphase

#endif  // ZARRPHASE_ARRAY_H_

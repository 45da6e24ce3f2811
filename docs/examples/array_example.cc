// A tour of the C++ Array API: create a sharded, compressed 3-D array in a local folder, write it,
// read a strided box back, and list the group. Built and run by the test suite.
//
//   array_example [FOLDER]     (default: a new folder under the system's temp directory)
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <vector>

#include "zarrphase/array.h"
#include "zarrphase/error.h"

int main(int argc, char** argv) {
  namespace zp = zarrphase;
  const std::filesystem::path folder =
      argc > 1 ? std::filesystem::path(argv[1])
               : std::filesystem::temp_directory_path() / "zarrphase-array-example.zarr";
  try {
    auto store = zp::make_filesystem_store(folder);
    zp::Group root = zp::Group::create(store, "", {}, /*overwrite=*/true);

    // 64^3 uint16 in shards of 32^3 holding 8^3 zstd-compressed subchunks.
    const nlohmann::json bytes = {{"name", "bytes"}, {"configuration", {{"endian", "little"}}}};
    const nlohmann::json zstd = {{"name", "zstd"}, {"configuration", {{"level", 3}}}};
    zp::ArrayMetadata meta = zp::ArrayMetadata::from_v3_json({
        {"zarr_format", 3},
        {"node_type", "array"},
        {"shape", {64, 64, 64}},
        {"data_type", "uint16"},
        {"chunk_grid", {{"name", "regular"}, {"configuration", {{"chunk_shape", {32, 32, 32}}}}}},
        {"chunk_key_encoding", {{"name", "default"}}},
        {"fill_value", 0},
        {"codecs",
         {{{"name", "sharding_indexed"},
           {"configuration",
            {{"chunk_shape", {8, 8, 8}},
             {"codecs", {bytes, zstd}},
             {"index_codecs", {bytes, {{"name", "crc32c"}}}}}}}}},
    });
    zp::Array volume = root.create_array("volume", meta);

    std::vector<uint16_t> data(64 * 64 * 64);
    std::iota(data.begin(), data.end(), uint16_t{0});
    volume.write(zp::Region::whole(volume.shape()),
                 zp::StridedArray::contiguous(reinterpret_cast<std::byte*>(data.data()),
                                              volume.shape(), sizeof(uint16_t)));

    // Every 4th element of a 16^3 box: 4 x 4 x 4 values.
    const zp::Region box{{10, 20, 30}, {26, 36, 46}, {4, 4, 4}};
    const zp::Bytes values = volume.read(box);
    std::vector<uint16_t> read(values.size() / sizeof(uint16_t));
    std::memcpy(read.data(), values.data(), values.size());
    const uint16_t expected = data[(10 * 64 + 20) * 64 + 30];

    std::printf("wrote %s/volume: shape 64^3 uint16, %zu shards\n", folder.c_str(),
                store->list("volume/c/").size());
    std::printf("read box [10:26:4, 20:36:4, 30:46:4]: %zu values, first %u (expected %u)\n",
                read.size(), read[0], expected);
    for (const zp::Group::Child& child : root.children()) {
      std::printf("child: %s (%s)\n", child.name.c_str(),
                  child.kind == zp::Group::NodeKind::kArray ? "array" : "group");
    }
    return read.size() == 64 && read[0] == expected ? 0 : 1;
  } catch (const zp::Error& error) {
    std::fprintf(stderr, "zarrphase error: %s\n", error.what());
    return 2;
  }
}

#include "zarrphase/array.h"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "array/array_test_util.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace zarrphase {
namespace {

using testing::BytesCodecJson;
using testing::ExpectError;
using testing::MakeMetadata;
using testing::ShardingCodecJson;

std::vector<uint16_t> Iota(size_t n) {
  std::vector<uint16_t> values(n);
  std::iota(values.begin(), values.end(), uint16_t{1});
  return values;
}

StridedArray View(std::vector<uint16_t>& values, std::vector<uint64_t> shape) {
  return StridedArray::contiguous(reinterpret_cast<std::byte*>(values.data()), std::move(shape),
                                  sizeof(uint16_t));
}

std::vector<uint16_t> ReadAll(const Array& array, const Region& region) {
  const Bytes bytes = array.read(region);
  std::vector<uint16_t> values(bytes.size() / sizeof(uint16_t));
  std::memcpy(values.data(), bytes.data(), bytes.size());
  return values;
}

nlohmann::json ZstdChain() {
  return nlohmann::json::array(
      {BytesCodecJson(),
       {{"name", "zstd"}, {"configuration", {{"level", 1}, {"checksum", false}}}}});
}

TEST(ArrayTest, WriteThenReadTheWholeArray) {
  auto store = make_memory_store();
  Array array = Array::create(store, "a", MakeMetadata({5, 7}, {2, 3}, "uint16", ZstdChain()));
  std::vector<uint16_t> values = Iota(35);
  array.write(Region::whole(array.shape()), View(values, {5, 7}));
  EXPECT_EQ(ReadAll(array, Region::whole(array.shape())), values);
  // 3 x 3 chunks and the metadata, all under the array's path.
  EXPECT_EQ(store->list("a/").size(), 10u);
  EXPECT_TRUE(store->exists("a/zarr.json"));
  EXPECT_TRUE(store->exists("a/c/2/2"));
}

TEST(ArrayTest, StridedRegionsReadAndWriteTheRightElements) {
  auto store = make_memory_store();
  Array array = Array::create(store, "", MakeMetadata({9, 8}, {4, 3}, "uint16", ZstdChain()));
  std::vector<uint16_t> model(72, 0);
  std::vector<uint16_t> values = Iota(3 * 4);
  const Region region{{1, 0}, {9, 8}, {3, 2}};  // rows 1, 4, 7; columns 0, 2, 4, 6
  ASSERT_EQ(region.shape(), (std::vector<uint64_t>{3, 4}));
  array.write(region, View(values, {3, 4}));
  for (size_t i = 0; i < 3; ++i) {
    for (size_t j = 0; j < 4; ++j) model[(1 + 3 * i) * 8 + 2 * j] = values[i * 4 + j];
  }
  EXPECT_EQ(ReadAll(array, Region::whole(array.shape())), model);
  EXPECT_EQ(ReadAll(array, region), values);
}

TEST(ArrayTest, UnwrittenChunksReadAsTheFillValue) {
  auto store = make_memory_store();
  Array array = Array::create(store, "a", MakeMetadata({4, 4}, {2, 2}, "uint16", ZstdChain(), 7));
  std::vector<uint16_t> one = {42};
  array.write(Region{{3, 3}, {4, 4}, {}}, View(one, {1, 1}));
  std::vector<uint16_t> expected(16, 7);
  expected[15] = 42;
  EXPECT_EQ(ReadAll(array, Region::whole(array.shape())), expected);
  EXPECT_EQ(store->list("a/c/").size(), 1u);
}

TEST(ArrayTest, ShardedArraysRoundTripThroughTheFilesystem) {
  testing::TempDir dir;
  auto metadata = MakeMetadata({16, 12}, {8, 6}, "uint16",
                               nlohmann::json::array({ShardingCodecJson({4, 3}, ZstdChain())}));
  std::vector<uint16_t> values = Iota(16 * 12);
  {
    Array array = Array::create(make_filesystem_store(dir.path()), "sharded", metadata);
    array.write(Region::whole(array.shape()), View(values, {16, 12}));
  }
  Array reopened = Array::open(make_filesystem_store(dir.path()), "sharded");
  EXPECT_EQ(reopened.metadata().shape, metadata.shape);
  EXPECT_EQ(ReadAll(reopened, Region::whole(reopened.shape())), values);
  std::vector<uint16_t> expected;
  for (uint64_t i = 5; i < 11; ++i) {
    for (uint64_t j = 2; j < 9; ++j) expected.push_back(values[i * 12 + j]);
  }
  EXPECT_EQ(ReadAll(reopened, Region{{5, 2}, {11, 9}, {}}), expected);
}

TEST(ArrayTest, ZarrV2ArraysOpenReadAndWrite) {
  auto store = make_memory_store();
  const nlohmann::json zarray = {{"zarr_format", 2},
                                 {"shape", {4, 6}},
                                 {"chunks", {2, 3}},
                                 {"dtype", ">u2"},
                                 {"compressor", {{"id", "zlib"}, {"level", 1}}},
                                 {"fill_value", 0},
                                 {"order", "F"},
                                 {"filters", nullptr},
                                 {"dimension_separator", "."}};
  store->set("v2/.zarray", as_bytes(zarray.dump()));
  store->set("v2/.zattrs", as_bytes(R"({"units": "m"})"));
  Array array = Array::open(store, "v2");
  EXPECT_EQ(array.metadata().zarr_format, 2);
  EXPECT_EQ(array.metadata().attributes["units"], "m");
  std::vector<uint16_t> values = Iota(24);
  array.write(Region::whole(array.shape()), View(values, {4, 6}));
  EXPECT_TRUE(store->exists("v2/1.1"));
  EXPECT_EQ(ReadAll(Array::open(store, "v2"), Region::whole(array.shape())), values);
  ExpectError([&] { array.resize({2, 2}); }, ErrorCode::kUnsupported, {"v2", ".zarray"});
}

TEST(ArrayTest, ResizeErasesChunksOutsideTheNewShape) {
  auto store = make_memory_store();
  Array array = Array::create(store, "a", MakeMetadata({6, 6}, {2, 2}, "uint16", ZstdChain()));
  std::vector<uint16_t> values = Iota(36);
  array.write(Region::whole(array.shape()), View(values, {6, 6}));
  array.resize({3, 6});
  EXPECT_EQ(array.shape(), (std::vector<uint64_t>{3, 6}));
  EXPECT_EQ(Array::open(store, "a").shape(), (std::vector<uint64_t>{3, 6}));
  EXPECT_FALSE(store->exists("a/c/2/0"));  // rows 4-5: wholly outside
  EXPECT_TRUE(store->exists("a/c/1/0"));   // rows 2-3: across the new edge, kept
  const std::vector<uint16_t> first_rows(values.begin(), values.begin() + 18);
  EXPECT_EQ(ReadAll(array, Region::whole(array.shape())), first_rows);
}

TEST(ArrayTest, AttributesPersist) {
  auto store = make_memory_store();
  Array array = Array::create(store, "a", MakeMetadata({2}, {2}, "uint16", ZstdChain()));
  array.set_attributes({{"long_name", "height"}});
  EXPECT_EQ(Array::open(store, "a").metadata().attributes["long_name"], "height");
}

TEST(ArrayTest, ErrorsNameTheArrayAndTheKey) {
  auto store = make_memory_store();
  ExpectError([&] { Array::open(store, "missing"); }, ErrorCode::kInvalidArgument,
              {"no Zarr array", "missing"});
  Group::create(store, "g");
  ExpectError([&] { Array::open(store, "g"); }, ErrorCode::kInvalidArgument, {"is a group"});
  Array array = Array::create(store, "a", MakeMetadata({4}, {2}, "uint16", ZstdChain()));
  ExpectError([&] { Array::create(store, "a", array.metadata()); }, ErrorCode::kInvalidArgument,
              {"already exists", "'a'"});
  std::vector<uint16_t> values = Iota(4);
  ExpectError([&] { array.write(Region::whole({4}), View(values, {3})); },
              ErrorCode::kInvalidArgument, {"shape (3)", "(4)"});
  array.write(Region::whole({4}), View(values, {4}));
  store->set("a/c/1", as_bytes("not a zstd frame"));
  ExpectError([&] { (void)array.read(Region::whole({4})); }, ErrorCode::kCorruptData,
              {"array 'a'", "a/c/1", "zstd"});
  // The failed read left the good chunk readable.
  EXPECT_EQ(ReadAll(array, Region{{0}, {2}, {}}), (std::vector<uint16_t>{1, 2}));
}

TEST(ArrayTest, InvalidMetadataNeverReachesTheStore) {
  auto store = make_memory_store();
  auto metadata = MakeMetadata({4}, {2}, "uint16", ZstdChain());
  metadata.codecs = nlohmann::json::array({{{"name", "zstd"}}});  // no array->bytes codec
  ExpectError([&] { Array::create(store, "a", metadata); }, ErrorCode::kInvalidMetadata, {"'a'"});
  EXPECT_TRUE(store->list().empty());
}

TEST(ArrayTest, OverwriteReplacesTheWholeNode) {
  auto store = make_memory_store();
  Array first = Array::create(store, "a", MakeMetadata({4}, {2}, "uint16", ZstdChain()));
  std::vector<uint16_t> values = Iota(4);
  first.write(Region::whole({4}), View(values, {4}));
  Array second =
      Array::create(store, "a", MakeMetadata({8}, {4}, "uint16", ZstdChain()), /*overwrite=*/true);
  EXPECT_EQ(store->list("a/c/").size(), 0u);
  EXPECT_EQ(Array::open(store, "a").shape(), (std::vector<uint64_t>{8}));
}

}  // namespace
}  // namespace zarrphase

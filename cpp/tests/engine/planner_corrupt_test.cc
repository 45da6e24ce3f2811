// Hostile shards and chunks: every corruption must become a zarrphase::Error naming the array,
// the key and what was wrong, through both the index-then-ranges path and the whole-shard path,
// and a write into a corrupt shard must change nothing in the store.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <numeric>

#include "engine/planner_test_util.h"
#include "support/expect_error.h"
#include "zarrphase/engine.h"
#include "zarrphase/error.h"
#include "zarrphase/sharding.h"

namespace zarrphase {
namespace {

using nlohmann::json;
using testing::ExpectError;

const DataType kInt32 = DataType::int_(4);
const std::vector<uint64_t> kShard = {8, 8};

// One 8 x 8 int32 shard (key c/0/0) of 2 x 2 subchunks, index at the end, every subchunk stored.
class CorruptShardTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    chain_ = testing::MakeChain(
        json::array({testing::ShardingJson({2, 2}, json::array({testing::BytesJson()}))}), kInt32,
        {8, 8}, testing::Element(kInt32, 0));
    layout_ = shard_layout(*chain_);
    store_ = make_memory_store();
    std::vector<int32_t> values(64);
    std::iota(values.begin(), values.end(), 1);
    WritePlan plan(chain_, Batch({0, 0}, {8, 8}), View(values, {8, 8}), {}, "array 'a'");
    execute(plan, *store_);
    shard_ = *store_->get("c/0/0");
    index_ = layout_->decode_index(layout_->index_bytes(shard_), shard_.size());
  }

  std::vector<ChunkSelection> Batch(std::vector<uint64_t> start, std::vector<uint64_t> stop) {
    return testing::BoxBatch(shape_, kShard, std::move(start), std::move(stop));
  }
  static StridedArray View(std::vector<int32_t>& values, std::vector<uint64_t> shape) {
    return StridedArray::contiguous(reinterpret_cast<std::byte*>(values.data()), std::move(shape),
                                    4);
  }

  // Stores the shard with entry `i` replaced (and the index checksum recomputed).
  void StoreWithEntry(size_t i, ShardIndexEntry entry) {
    ShardIndex index = index_;
    index.set(i, entry);
    const Bytes encoded = layout_->encode_index(index);
    Bytes shard = shard_;
    std::memcpy(shard.data() + shard.size() - encoded.size(), encoded.data(), encoded.size());
    store_->set("c/0/0", shard);
  }

  EngineOptions Options() const {
    EngineOptions options;
    // The parameter picks the path: index round then ranges, or the whole shard at once.
    options.whole_shard_fraction = GetParam() ? 0.0 : 2.0;
    return options;
  }

  void Read(std::vector<uint64_t> start, std::vector<uint64_t> stop) {
    std::vector<int32_t> out((stop[0] - start[0]) * (stop[1] - start[1]));
    ReadPlan plan(chain_, Batch(start, stop), View(out, {stop[0] - start[0], stop[1] - start[1]}),
                  Options(), "array 'a'");
    execute(plan, *store_);
  }

  std::vector<uint64_t> shape_ = {8, 8};
  std::shared_ptr<const CodecChain> chain_;
  const ShardLayout* layout_ = nullptr;
  std::shared_ptr<Store> store_;
  Bytes shard_;
  ShardIndex index_;
};

TEST_P(CorruptShardTest, EntryPastTheEnd) {
  const uint64_t size = shard_.size();
  StoreWithEntry(3, {size - 8, 16});  // subchunk (0, 3): rows 0-1, columns 6-7
  ExpectError(
      [&] {
        Read({0, 6}, {2, 8});
      },
      ErrorCode::kCorruptData, {"array 'a'", "key 'c/0/0'", "index entry 3", std::to_string(size)});
}

TEST_P(CorruptShardTest, OffsetPlusLengthOverflows) {
  StoreWithEntry(5, {~uint64_t{0} - 10, 100});
  ExpectError(
      [&] {
        Read({2, 2}, {4, 4});
      },
      ErrorCode::kCorruptData, {"array 'a'", "key 'c/0/0'", "index entry 5", "overflows"});
}

TEST_P(CorruptShardTest, HalfEmptyEntry) {
  StoreWithEntry(0, {ShardIndexEntry::kMissing, 16});
  ExpectError(
      [&] {
        Read({0, 0}, {2, 2});
      },
      ErrorCode::kCorruptData, {"array 'a'", "key 'c/0/0'", "index entry 0", "only one of them"});
}

TEST_P(CorruptShardTest, ShardShorterThanItsIndex) {
  store_->set("c/0/0", ByteView(shard_).first(100));
  ExpectError(
      [&] {
        Read({0, 0}, {2, 2});
      },
      ErrorCode::kCorruptData,
      {"array 'a'", "key 'c/0/0'", "100 bytes", "fewer than its 260-byte index"});
}

TEST_P(CorruptShardTest, IndexChecksumMismatch) {
  Bytes shard = shard_;
  shard[shard.size() - 10] ^= std::byte{1};
  store_->set("c/0/0", shard);
  ExpectError(
      [&] {
        Read({0, 0}, {2, 2});
      },
      ErrorCode::kChecksumMismatch, {"array 'a'", "key 'c/0/0'", "shard index", "crc32c"});
}

TEST_P(CorruptShardTest, TruncatedSubchunk) {
  StoreWithEntry(9, {index_[9].offset, index_[9].nbytes - 4});
  ExpectError(
      [&] {
        Read({4, 2}, {6, 4});
      },
      ErrorCode::kCorruptData,
      {"array 'a'", "key 'c/0/0'", "subchunk [2, 1]", "bytes: encoded chunk has 12 bytes"});
}

TEST_P(CorruptShardTest, WriteIntoACorruptShardWritesNothing) {
  StoreWithEntry(3, {shard_.size() - 8, 16});
  const Bytes corrupt = *store_->get("c/0/0");
  std::vector<int32_t> values = {-1, -2};
  // Touches subchunk (0, 0) only; the corrupt entry is for a subchunk the write keeps.
  WritePlan plan(chain_, Batch({0, 0}, {1, 2}), View(values, {1, 2}), Options(), "array 'a'");
  ExpectError([&] { execute(plan, *store_); }, ErrorCode::kCorruptData,
              {"array 'a'", "key 'c/0/0'", "index entry 3"});
  EXPECT_TRUE(*store_->get("c/0/0") == corrupt);
  EXPECT_TRUE(plan.take_writes().empty());
}

TEST_P(CorruptShardTest, ErrorsInOneChunkAbortTheWholeWrite) {
  StoreWithEntry(0, {ShardIndexEntry::kMissing, 16});
  const Bytes corrupt = *store_->get("c/0/0");
  shape_ = {16, 8};  // a second shard, c/1/0, that the write would create
  std::vector<int32_t> values(2 * 8, 7);
  WritePlan plan(chain_, Batch({7, 0}, {9, 8}), View(values, {2, 8}), Options(), "array 'a'");
  ExpectError([&] { execute(plan, *store_); }, ErrorCode::kCorruptData, {"key 'c/0/0'"});
  EXPECT_TRUE(*store_->get("c/0/0") == corrupt);
  EXPECT_FALSE(store_->exists("c/1/0"));
}

std::string PathName(const ::testing::TestParamInfo<bool>& param) {
  return param.param ? "WholeShard" : "IndexThenRanges";
}

INSTANTIATE_TEST_SUITE_P(Paths, CorruptShardTest, ::testing::Bool(), PathName);

TEST(CorruptChunkTest, CorruptCompressedChunkNamesTheCodecAndKey) {
  const auto chain = testing::MakeChain(
      json::array({testing::BytesJson(), {{"name", "zstd"}, {"configuration", {{"level", 1}}}}}),
      kInt32, {4}, testing::Element(kInt32, 0));
  std::shared_ptr<Store> store = make_memory_store();
  store->set("c/1", as_bytes("definitely not a zstd frame"));
  std::vector<int32_t> out(8);
  ReadPlan plan(
      chain, testing::BoxBatch(std::vector<uint64_t>{8}, std::vector<uint64_t>{4}, {0}, {8}),
      StridedArray::contiguous(reinterpret_cast<std::byte*>(out.data()), {8}, 4), {}, "array 'z'");
  ExpectError([&] { execute(plan, *store); }, ErrorCode::kCorruptData,
              {"array 'z'", "key 'c/1'", "zstd"});
}

TEST(CorruptChunkTest, NestedShardErrorsNameEveryLevel) {
  const auto chain = testing::MakeChain(
      json::array({testing::ShardingJson(
          {4}, json::array({testing::ShardingJson({2}, json::array({testing::BytesJson()}))}))}),
      kInt32, {8}, testing::Element(kInt32, 0));
  std::shared_ptr<Store> store = make_memory_store();
  std::vector<int32_t> values(8);
  std::iota(values.begin(), values.end(), 1);
  const std::vector<uint64_t> shape = {8};
  WritePlan write(chain, testing::BoxBatch(shape, shape, {0}, {8}),
                  StridedArray::contiguous(reinterpret_cast<std::byte*>(values.data()), {8}, 4), {},
                  "array 'n'");
  execute(write, *store);
  // Corrupt the inner index of inner shard 1 (the second 4 elements): its last byte.
  Bytes shard = *store->get("c/0");
  const ShardLayout& outer = *shard_layout(*chain);
  const ShardIndex index = outer.decode_index(outer.index_bytes(shard), shard.size());
  shard[index[1].offset + index[1].nbytes - 1] ^= std::byte{1};
  store->set("c/0", shard);
  for (const double fraction : {0.0, 2.0}) {
    EngineOptions options;
    options.whole_shard_fraction = fraction;
    std::vector<int32_t> out(2);
    ReadPlan read(chain, testing::BoxBatch(shape, shape, {4}, {6}),
                  StridedArray::contiguous(reinterpret_cast<std::byte*>(out.data()), {2}, 4),
                  options, "array 'n'");
    ExpectError([&] { execute(read, *store); }, ErrorCode::kChecksumMismatch,
                {"array 'n'", "key 'c/0'", "subchunk [1]", "shard index"});
  }
}

}  // namespace
}  // namespace zarrphase

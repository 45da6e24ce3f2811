// The planner's pieces on their own: range coalescing, the split of a selection over a shard's
// subchunks, selections through transposes, and shard assembly in each write order.
#include <gtest/gtest.h>

#include <cstring>

#include "engine/chain_levels.h"
#include "engine/planner_test_util.h"
#include "engine/range_coalescing.h"
#include "engine/shard_assembly.h"
#include "engine/shard_selection.h"
#include "support/expect_error.h"
#include "zarrphase/engine.h"
#include "zarrphase/sharding.h"

namespace zarrphase::engine {
namespace {

using nlohmann::json;

std::vector<std::optional<Bytes>> Answers(const std::vector<ReadRequest>& requests,
                                          uint64_t value_size) {
  Bytes value(value_size);
  for (uint64_t i = 0; i < value_size; ++i) value[i] = std::byte(i & 0xFF);
  std::vector<std::optional<Bytes>> answers;
  for (const ReadRequest& request : requests) {
    const auto [begin, end] = request.range.resolve(value.size());
    answers.emplace_back(Bytes(value.begin() + static_cast<ptrdiff_t>(begin),
                               value.begin() + static_cast<ptrdiff_t>(end)));
  }
  return answers;
}

TEST(RoundReadsTest, MergesNearRangesOfOneKeyWithinTheCap) {
  RoundReads round;
  const std::vector<std::string> keys = {"a", "b"};
  const size_t f0 = round.add(0, ByteRange::range(100, 10));
  const size_t f1 = round.add(0, ByteRange::range(0, 10));
  const size_t f2 = round.add(0, ByteRange::range(15, 5));   // gap 5 after f1
  const size_t f3 = round.add(1, ByteRange::range(0, 10));   // another key
  const size_t f4 = round.add(0, ByteRange::range(104, 2));  // inside f0
  const size_t f5 = round.add(0, ByteRange::range(300, 0));  // nothing to read
  const std::vector<ReadRequest> requests = round.build(keys, 5, 1000);
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0], (ReadRequest{"a", ByteRange::range(0, 20)}));
  EXPECT_EQ(requests[1], (ReadRequest{"a", ByteRange::range(100, 10)}));
  EXPECT_EQ(requests[2], (ReadRequest{"b", ByteRange::range(0, 10)}));
  const auto answers = Answers(requests, 200);
  EXPECT_EQ(round.result(f0, answers).bytes[0], std::byte{100});
  EXPECT_EQ(round.result(f1, answers).bytes.size(), 10u);
  EXPECT_EQ(round.result(f2, answers).bytes[0], std::byte{15});
  EXPECT_EQ(round.result(f3, answers).bytes.size(), 10u);
  EXPECT_EQ(round.result(f4, answers).bytes[0], std::byte{104});
  EXPECT_TRUE(round.result(f5, answers).bytes.empty());
  EXPECT_FALSE(round.result(f5, answers).missing);
}

TEST(RoundReadsTest, GapAndCapLimitMerging) {
  const std::vector<std::string> keys = {"a"};
  RoundReads apart;
  apart.add(0, ByteRange::range(0, 10));
  apart.add(0, ByteRange::range(16, 10));  // gap 6
  EXPECT_EQ(apart.build(keys, 5, 1000).size(), 2u);
  RoundReads capped;
  capped.add(0, ByteRange::range(0, 10));
  capped.add(0, ByteRange::range(10, 10));
  capped.add(0, ByteRange::range(20, 10));
  EXPECT_EQ(capped.build(keys, 0, 20).size(), 2u);  // 0-20, then 20-30
  RoundReads big;
  big.add(0, ByteRange::range(0, 500));  // one range over the cap stays one request
  EXPECT_EQ(big.build(keys, 0, 20).size(), 1u);
}

TEST(RoundReadsTest, SharesWholeAndSuffixReadsAndReportsShortValues) {
  RoundReads round;
  const std::vector<std::string> keys = {"a"};
  const size_t whole = round.add(0, ByteRange::all());
  const size_t again = round.add(0, ByteRange::all());
  const size_t suffix = round.add(0, ByteRange::suffix(50));
  const size_t past = round.add(0, ByteRange::range(20, 40));
  const std::vector<ReadRequest> requests = round.build(keys, 0, 1000);
  ASSERT_EQ(requests.size(), 3u);
  const auto answers = Answers(requests, 30);  // the value is only 30 bytes long
  EXPECT_EQ(round.result(whole, answers).value_size, 30u);
  EXPECT_EQ(round.result(again, answers).bytes.size(), 30u);
  EXPECT_EQ(round.result(suffix, answers).value_size, 30u);  // shorter than the suffix
  EXPECT_EQ(round.result(past, answers).bytes.size(), 10u);  // cut short ...
  EXPECT_EQ(round.result(past, answers).value_size, 30u);    // ... so the size is known
  std::vector<std::optional<Bytes>> missing(requests.size());
  EXPECT_TRUE(round.result(past, missing).missing);
}

TEST(SubchunkSplitTest, StridedRangesSplitIntoPiecesPerSubchunk) {
  ChunkSelection selection;
  // Dimension 0: 1, 4, 7 (step 3) over subchunks of 4; dimension 1: all of 0..7.
  selection.chunk = {DimSelection::range(1, 3, 3), DimSelection::all(8)};
  selection.out = {DimSelection::range(0, 3), DimSelection::range(0, 8)};
  const std::vector<uint64_t> subchunk = {4, 4};
  const std::vector<uint64_t> grid = {2, 2};
  const SubchunkSplit split(selection, subchunk, grid);
  ASSERT_EQ(split.size(), 4u);
  EXPECT_EQ(split.linear_index(0), 0u);
  EXPECT_EQ(split.linear_index(3), 3u);
  EXPECT_FALSE(split.covers_whole(0));
  ChunkSelection sub;
  split.materialize(2, sub);  // subchunk (1, 0): positions 4 and 7 -> local 0 and 3
  EXPECT_EQ(sub.chunk[0].start, 0u);
  EXPECT_EQ(sub.chunk[0].count, 2u);
  EXPECT_EQ(sub.chunk[0].step, 3u);
  EXPECT_EQ(sub.out[0].start, 1u);  // output rows 1 and 2
  EXPECT_EQ(sub.out[0].count, 2u);
  EXPECT_EQ(sub.chunk[1].count, 4u);
  EXPECT_EQ(sub.out[1].start, 0u);
  split.materialize(1, sub);  // subchunk (0, 1): position 1 only, columns 4..7
  EXPECT_EQ(sub.chunk[0].start, 1u);
  EXPECT_EQ(sub.chunk[0].count, 1u);
  EXPECT_EQ(sub.out[1].start, 4u);
}

TEST(SubchunkSplitTest, IndexListsGroupBySubchunkAndDetectCoverage) {
  ChunkSelection selection;
  selection.chunk = {DimSelection::list({5, 0, 1, 4, 7, 6})};
  selection.out = {DimSelection::range(10, 6)};
  const std::vector<uint64_t> subchunk = {4};
  const std::vector<uint64_t> grid = {2};
  const SubchunkSplit split(selection, subchunk, grid);
  ASSERT_EQ(split.size(), 2u);
  EXPECT_FALSE(split.covers_whole(0));  // 0 and 1 of 0..3
  EXPECT_TRUE(split.covers_whole(1));   // 5, 4, 7, 6: all of 4..7
  ChunkSelection sub;
  split.materialize(1, sub);
  EXPECT_EQ(sub.chunk[0].indices, (std::vector<uint64_t>{1, 0, 3, 2}));
  EXPECT_EQ(sub.out[0].indices, (std::vector<uint64_t>{10, 13, 14, 15}));
}

TEST(SubchunkSplitTest, PointsGroupBySubchunk) {
  ChunkSelection selection;
  selection.pointwise = true;
  selection.chunk = {DimSelection::list({0, 3, 1}), DimSelection::list({3, 0, 2})};
  selection.out = {DimSelection::index(4), DimSelection::list({7, 8, 9})};
  const std::vector<uint64_t> subchunk = {2, 2};
  const std::vector<uint64_t> grid = {2, 2};
  const SubchunkSplit split(selection, subchunk, grid);
  ASSERT_EQ(split.size(), 2u);  // (0, 3) and (1, 2) in subchunk (0, 1); (3, 0) in (1, 0)
  EXPECT_EQ(split.linear_index(0), 1u);
  EXPECT_EQ(split.linear_index(1), 2u);
  ChunkSelection sub;
  split.materialize(0, sub);
  EXPECT_TRUE(sub.pointwise);
  EXPECT_EQ(sub.chunk[0].indices, (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(sub.chunk[1].indices, (std::vector<uint64_t>{1, 0}));
  EXPECT_TRUE(sub.out[0].drop);
  EXPECT_EQ(sub.out[1].indices, (std::vector<uint64_t>{7, 9}));
}

TEST(PermuteSelectionTest, CallerDimensionsFollowTheirChunkDimensions) {
  ChunkSelection selection;
  selection.chunk = {DimSelection::range(0, 2), DimSelection::index(1), DimSelection::range(1, 3)};
  selection.out = {DimSelection::range(0, 2), DimSelection::range(0, 3)};
  const StridedArray caller{nullptr, {2, 3}, {12, 4}};
  ChunkSelection permuted;
  StridedArray permuted_caller;
  const std::vector<size_t> reverse = {2, 1, 0};
  permute_selection(selection, caller, reverse, permuted, permuted_caller);
  EXPECT_EQ(permuted.chunk[0].count, 3u);
  EXPECT_TRUE(permuted.chunk[1].drop);
  EXPECT_EQ(permuted.chunk[2].count, 2u);
  EXPECT_EQ(permuted_caller.shape, (std::vector<uint64_t>{3, 2}));
  EXPECT_EQ(permuted_caller.byte_strides, (std::vector<int64_t>{4, 12}));
  EXPECT_EQ(permuted.out[0].count, 3u);
}

TEST(AssembleShardTest, OrdersLayOutSubchunksAsZarrPythonDoes) {
  const std::vector<uint64_t> chunk = {4, 6};  // a 2 x 3 grid of 2 x 2 subchunks
  const auto chain = testing::MakeChain(
      json::array({testing::ShardingJson({2, 2}, json::array({testing::BytesJson()}))}),
      DataType::uint(1), chunk, testing::Element(DataType::uint(1), 0));
  const std::unique_ptr<ChainLevel> colex =
      analyze_chain(*chain, SubchunkWriteOrder::kColexicographic);
  EXPECT_EQ(colex->write_order, (std::vector<uint64_t>{0, 3, 1, 4, 2, 5}));
  EXPECT_TRUE(analyze_chain(*chain, SubchunkWriteOrder::kLexicographic)->write_order.empty());
  EXPECT_EQ(analyze_chain(*chain, SubchunkWriteOrder::kMorton)->write_order,
            shard_layout(*chain)->write_order());
  // Subchunk i is one byte of value i; subchunk 4 is missing.
  std::vector<Bytes> bytes;
  std::vector<ByteView> views;
  for (int i = 0; i < 6; ++i) bytes.push_back(Bytes(1, std::byte(i)));
  for (int i = 0; i < 6; ++i) views.push_back(i == 4 ? ByteView{} : ByteView(bytes[i]));
  const ShardLayout& layout = *shard_layout(*chain);
  const Bytes shard = assemble_shard(layout, views, colex->write_order);
  ASSERT_EQ(shard.size(), 5 + layout.index_encoded_size());
  EXPECT_EQ(shard[0], std::byte{0});
  EXPECT_EQ(shard[1], std::byte{3});
  EXPECT_EQ(shard[2], std::byte{1});
  EXPECT_EQ(shard[3], std::byte{2});
  EXPECT_EQ(shard[4], std::byte{5});
  const ShardIndex index = layout.decode_index(layout.index_bytes(shard), shard.size());
  EXPECT_TRUE(index[4].missing());
  EXPECT_EQ(index[5], (ShardIndexEntry{4, 1}));
}

TEST(ChainLevelTest, ClassifiesWhatCanBeAddressedAndWhatIsTrivial) {
  const DataType dtype = DataType::int_(4);
  const Bytes fill = testing::Element(dtype, 0);
  const json crc = {{"name", "crc32c"}};
  const auto plain =
      analyze_chain(*testing::MakeChain(json::array({testing::BytesJson(), crc}), dtype, {4}, fill),
                    SubchunkWriteOrder::kMorton);
  EXPECT_TRUE(plain->trivial);
  EXPECT_EQ(plain->trivial_checksums, 1u);
  const auto outside_crc = analyze_chain(
      *testing::MakeChain(
          json::array({testing::ShardingJson({2}, json::array({testing::BytesJson()})), crc}),
          dtype, {4}, fill),
      SubchunkWriteOrder::kMorton);
  ASSERT_NE(outside_crc->layout, nullptr);
  EXPECT_FALSE(outside_crc->byte_ranges);
  EXPECT_TRUE(outside_crc->inner->trivial);
  const json big = {{"name", "bytes"}, {"configuration", {{"endian", "big"}}}};
  EXPECT_FALSE(analyze_chain(*testing::MakeChain(json::array({big}), dtype, {4}, fill),
                             SubchunkWriteOrder::kMorton)
                   ->trivial);
}

TEST(ChainDecodeTest, ChecksumsAreSkippedOnlyWhenAsked) {
  // Big-endian bytes + zstd + crc32c: not trivial, so the engine decodes through the chain.
  const DataType dtype = DataType::int_(4);
  const json codecs = json::array({{{"name", "bytes"}, {"configuration", {{"endian", "big"}}}},
                                   {{"name", "zstd"}, {"configuration", {{"level", 1}}}},
                                   {{"name", "crc32c"}}});
  const auto chain = testing::MakeChain(codecs, dtype, {4}, testing::Element(dtype, 0));
  const std::vector<int32_t> values = {1, -2, 3, -4};
  Bytes encoded = chain->encode(ByteView(reinterpret_cast<const std::byte*>(values.data()), 16));
  encoded.back() ^= std::byte{0x40};  // the checksum only
  std::vector<int32_t> out(4);
  const MutableByteView out_bytes(reinterpret_cast<std::byte*>(out.data()), 16);
  testing::ExpectError([&] { chain->decode(encoded, out_bytes); }, ErrorCode::kChecksumMismatch,
                       {"crc32c"});
  testing::ExpectError([&] { chain->decode(encoded, out_bytes, true); },
                       ErrorCode::kChecksumMismatch, {"crc32c"});
  chain->decode(encoded, out_bytes, false);
  EXPECT_EQ(out, values);
  // Through a read plan too.
  std::shared_ptr<Store> store = make_memory_store();
  store->set("c/0", encoded);
  const std::vector<uint64_t> shape = {4};
  EngineOptions options;
  options.validate_checksums = false;
  std::vector<int32_t> read(4);
  ReadPlan plan(chain, testing::BoxBatch(shape, shape, {0}, {4}),
                StridedArray::contiguous(reinterpret_cast<std::byte*>(read.data()), {4}, 4),
                options, "array 'c'");
  execute(plan, *store);
  EXPECT_EQ(read, values);
  // Too short to hold a checksum is corrupt either way.
  testing::ExpectError([&] { chain->decode(ByteView(encoded).first(3), out_bytes, false); },
                       ErrorCode::kCorruptData, {"crc32c", "3 bytes"});
}

TEST(ExecuteTest, PatchesNeedAStoreThatSupportsThem) {
  class NoPatchStore : public testing::CountingStore {
   public:
    using CountingStore::CountingStore;
    bool supports_set_range() const override { return false; }
  };
  const DataType dtype = DataType::int_(4);
  const auto chain = testing::MakeChain(
      json::array({testing::ShardingJson({2}, json::array({testing::BytesJson()}))}), dtype, {8},
      testing::Element(dtype, 0));
  NoPatchStore store(make_memory_store());
  const std::vector<uint64_t> shape = {8};
  std::vector<int32_t> values = {1, 2, 3, 4, 5, 6, 7, 8};
  const auto view = [&](size_t n) {
    return StridedArray::contiguous(reinterpret_cast<std::byte*>(values.data()), {n}, 4);
  };
  WritePlan fill(chain, testing::BoxBatch(shape, shape, {0}, {8}), view(8), {}, "array 'p'");
  execute(fill, store);
  EngineOptions options;
  options.write_ranges_in_place = true;
  WritePlan patch(chain, testing::BoxBatch(shape, shape, {1}, {2}), view(1), options, "array 'p'");
  store.reset();
  testing::ExpectError([&] { execute(patch, store); }, ErrorCode::kUnsupported,
                       {"key 'c/0'", "set_range"});
  EXPECT_EQ(store.sets() + store.set_ranges(), 0u);
}

TEST(PlanProtocolTest, BadBatchesFailBeforeAnyIo) {
  const DataType dtype = DataType::int_(4);
  const auto chain = testing::MakeChain(json::array({testing::BytesJson()}), dtype, {4},
                                        testing::Element(dtype, 0));
  std::vector<int32_t> out(4);
  const StridedArray view =
      StridedArray::contiguous(reinterpret_cast<std::byte*>(out.data()), {4}, 4);
  ChunkSelection outside;
  outside.key = "c/0";
  outside.chunk = {DimSelection::range(2, 4)};  // past the chunk's 4 elements
  outside.out = {DimSelection::range(0, 4)};
  testing::ExpectError([&] { ReadPlan(chain, {outside}, view, {}, "array 'b'"); },
                       ErrorCode::kInvalidArgument, {"array 'b'", "key 'c/0'", "extent 4"});
  ChunkSelection bad_key = outside;
  bad_key.key = "../c/0";
  bad_key.chunk = {DimSelection::all(4)};
  testing::ExpectError([&] { ReadPlan(chain, {bad_key}, view, {}, "array 'b'"); },
                       ErrorCode::kInvalidKey, {"array 'b'"});
  ChunkSelection twice = bad_key;
  twice.key = "c/0";
  testing::ExpectError(
      [&] {
        WritePlan(chain, {twice, twice}, view, {}, "array 'b'");
      },
      ErrorCode::kInvalidArgument, {"key 'c/0'", "twice"});
  // Answers must match the reads.
  ReadPlan plan(chain, {twice}, view, {}, "array 'b'");
  ASSERT_EQ(plan.reads().size(), 1u);
  testing::ExpectError([&] { plan.complete_reads({}); }, ErrorCode::kInvalidArgument,
                       {"0 answers for 1 reads"});
}

TEST(PlanProtocolTest, AShardDeletedBetweenRoundsReadsAsFill) {
  const DataType dtype = DataType::int_(4);
  const auto chain = testing::MakeChain(
      json::array({testing::ShardingJson({2}, json::array({testing::BytesJson()}))}), dtype, {8},
      testing::Element(dtype, 0));
  std::shared_ptr<Store> store = make_memory_store();
  const std::vector<uint64_t> shape = {8};
  std::vector<int32_t> values = {1, 2, 3, 4, 5, 6, 7, 8};
  const auto view = [&](size_t n) {
    return StridedArray::contiguous(reinterpret_cast<std::byte*>(values.data()), {n}, 4);
  };
  WritePlan write(chain, testing::BoxBatch(shape, shape, {0}, {8}), view(8), {}, "array 'v'");
  execute(write, *store);
  ReadPlan read(chain, testing::BoxBatch(shape, shape, {0}, {1}), view(1), {}, "array 'v'");
  ASSERT_EQ(read.reads().size(), 1u);  // the index
  read.complete_reads({store->get(read.reads()[0].key, read.reads()[0].range)});
  ASSERT_EQ(read.reads().size(), 1u);  // subchunk 0
  values[0] = -1;
  read.complete_reads({std::nullopt});  // deleted meanwhile: the subchunk reads as fill
  EXPECT_TRUE(read.reads().empty());
  EXPECT_EQ(values[0], 0);
}

TEST(PlanProtocolTest, WritesComeOnceAndOnlyAfterTheReads) {
  const DataType dtype = DataType::int_(4);
  const auto chain = testing::MakeChain(json::array({testing::BytesJson()}), dtype, {4},
                                        testing::Element(dtype, 0));
  std::vector<int32_t> values = {1, 2};
  const StridedArray view =
      StridedArray::contiguous(reinterpret_cast<std::byte*>(values.data()), {2}, 4);
  const std::vector<uint64_t> shape = {4};
  WritePlan partial(chain, testing::BoxBatch(shape, shape, {1}, {3}), view, {}, "array 'w'");
  testing::ExpectError([&] { partial.take_writes(); }, ErrorCode::kInvalidArgument,
                       {"reads still to complete"});
  partial.complete_reads({std::nullopt});  // the chunk does not exist yet
  std::vector<StoreWrite> writes = partial.take_writes();
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].kind, StoreWrite::Kind::kSet);
  EXPECT_EQ(writes[0].key, "c/0");
  const std::vector<int32_t> expected = {0, 1, 2, 0};
  ASSERT_EQ(writes[0].value.size(), 16u);
  EXPECT_EQ(std::memcmp(writes[0].value.data(), expected.data(), 16), 0);
  EXPECT_TRUE(partial.take_writes().empty());
  EXPECT_EQ(partial.rounds_completed(), 1u);
}

}  // namespace
}  // namespace zarrphase::engine

// What the planner reads and writes: rounds, requests per round and store calls, for the cases
// the design promises (two rounds and at most k requests for k subchunks of a shard, one request
// for a whole shard, one round for every index of a batch, no read for a covered write, patches
// in place when enabled, erase of emptied chunks).
#include <gtest/gtest.h>

#include <cstring>
#include <numeric>

#include "engine/planner_test_util.h"
#include "support/expect_error.h"
#include "zarrphase/engine.h"
#include "zarrphase/error.h"
#include "zarrphase/sharding.h"

namespace zarrphase {
namespace {

using nlohmann::json;
using testing::BoxBatch;
using testing::BytesJson;
using testing::CountingStore;
using testing::ShardingJson;

const DataType kInt32 = DataType::int_(4);

// Runs `plan` by hand against `store`, returning the number of requests of each round.
std::vector<size_t> RunRounds(Plan& plan, Store& store) {
  std::vector<size_t> per_round;
  while (!plan.reads().empty()) {
    per_round.push_back(plan.reads().size());
    std::vector<std::optional<Bytes>> answers;
    for (const ReadRequest& request : plan.reads()) {
      answers.push_back(store.get(request.key, request.range));
    }
    plan.complete_reads(std::move(answers));
  }
  for (const StoreWrite& write : plan.take_writes()) apply_write(write, store);
  return per_round;
}

// A 2-d int32 array of 16 x 16 in shards of 8 x 8 (4 shards) of 2 x 2 subchunks (16 per shard),
// filled with 0, 1, 2, ... by one write.
class ShardIoTest : public ::testing::Test {
 protected:
  void SetUp() override { Init(json::array({ShardingJson({2, 2}, json::array({BytesJson()}))})); }

  void Init(const json& codecs, std::vector<uint64_t> chunk = {8, 8}) {
    chunk_ = chunk;
    fill_ = testing::Element(kInt32, 0);
    chain_ = testing::MakeChain(codecs, kInt32, chunk_, fill_);
    memory_ = make_memory_store();
    store_ = std::make_shared<CountingStore>(memory_);
    std::vector<int32_t> values(16 * 16);
    std::iota(values.begin(), values.end(), 1);
    Write({0, 0}, {16, 16}, values, Options());
    store_->reset();
  }

  EngineOptions Options() const {
    EngineOptions options;
    options.subchunk_write_order = SubchunkWriteOrder::kLexicographic;
    options.coalesce_max_gap_bytes = 0;
    return options;
  }

  StridedArray View(std::vector<int32_t>& values, std::vector<uint64_t> shape) {
    return StridedArray::contiguous(reinterpret_cast<std::byte*>(values.data()), std::move(shape),
                                    4);
  }

  std::vector<size_t> Write(std::vector<uint64_t> start, std::vector<uint64_t> stop,
                            std::vector<int32_t>& values, const EngineOptions& options) {
    WritePlan plan(chain_, BoxBatch(shape_, chunk_, start, stop), View(values, Extent(start, stop)),
                   options, "array 'a'");
    return RunRounds(plan, *store_);
  }

  // Reads the box and checks it holds what SetUp wrote.
  std::vector<size_t> ReadAndCheck(std::vector<uint64_t> start, std::vector<uint64_t> stop,
                                   const EngineOptions& options) {
    const std::vector<uint64_t> extent = Extent(start, stop);
    std::vector<int32_t> out(extent[0] * extent[1], -7);
    ReadPlan plan(chain_, BoxBatch(shape_, chunk_, start, stop), View(out, extent), options,
                  "array 'a'");
    const std::vector<size_t> rounds = RunRounds(plan, *store_);
    for (uint64_t i = 0; i < extent[0]; ++i) {
      for (uint64_t j = 0; j < extent[1]; ++j) {
        EXPECT_EQ(out[i * extent[1] + j],
                  static_cast<int32_t>((start[0] + i) * 16 + start[1] + j + 1));
      }
    }
    return rounds;
  }

  static std::vector<uint64_t> Extent(const std::vector<uint64_t>& start,
                                      const std::vector<uint64_t>& stop) {
    return {stop[0] - start[0], stop[1] - start[1]};
  }

  std::vector<uint64_t> shape_ = {16, 16};
  std::vector<uint64_t> chunk_;
  Bytes fill_;
  std::shared_ptr<const CodecChain> chain_;
  std::shared_ptr<Store> memory_;
  std::shared_ptr<CountingStore> store_;
};

TEST_F(ShardIoTest, KSubchunksOfOneShardTakeTwoRoundsAndAtMostKRequests) {
  // Subchunks (0, 0) and (2, 2) and (3, 1) of shard c/0/0: apart in the layout.
  EngineOptions options = Options();
  for (const auto& [start, stop] :
       std::vector<std::pair<std::vector<uint64_t>, std::vector<uint64_t>>>{
           {{0, 0}, {2, 2}}, {{4, 4}, {6, 6}}, {{6, 2}, {8, 4}}}) {
    SCOPED_TRACE(start[0]);
    ReadAndCheck(start, stop, options);
  }
  store_->reset();
  // All three in one batch of three points.
  std::vector<int32_t> out(3);
  std::vector<ChunkSelection> batch =
      testing::PointsBatch(shape_, chunk_, {{0, 0}, {4, 4}, {6, 2}});
  ReadPlan plan(chain_, std::move(batch), View(out, {3}), options, "array 'a'");
  EXPECT_EQ(RunRounds(plan, *store_), (std::vector<size_t>{1, 3}));
  EXPECT_EQ(out, (std::vector<int32_t>{1, 4 * 16 + 4 + 1, 6 * 16 + 2 + 1}));
  EXPECT_EQ(store_->ranges_read(), 4u);
  EXPECT_EQ(plan.rounds_completed(), 2u);
}

TEST_F(ShardIoTest, NearbySubchunksMergeIntoOneRequest) {
  // Row 0 of shard c/0/0: subchunks (0, 0) .. (0, 3) lie back to back in lexicographic order.
  EXPECT_EQ(ReadAndCheck({0, 0}, {1, 8}, Options()), (std::vector<size_t>{1, 1}));
  // With a gap allowance, (0, 0) and (0, 2) merge across (0, 1); without, they do not.
  std::vector<DimSelection> two = {DimSelection::index(0), DimSelection::list({0, 4})};
  std::vector<int32_t> out(2);
  EngineOptions options = Options();
  ReadPlan apart(chain_, testing::OrthogonalBatch(shape_, chunk_, two), View(out, {2}), options,
                 "array 'a'");
  EXPECT_EQ(RunRounds(apart, *store_), (std::vector<size_t>{1, 2}));
  options.coalesce_max_gap_bytes = 16;
  ReadPlan merged(chain_, testing::OrthogonalBatch(shape_, chunk_, two), View(out, {2}), options,
                  "array 'a'");
  EXPECT_EQ(RunRounds(merged, *store_), (std::vector<size_t>{1, 1}));
  EXPECT_EQ(out, (std::vector<int32_t>{1, 5}));
  // ... unless the merged request would exceed coalesce_max_bytes.
  options.coalesce_max_bytes = 20;
  ReadPlan capped(chain_, testing::OrthogonalBatch(shape_, chunk_, two), View(out, {2}), options,
                  "array 'a'");
  EXPECT_EQ(RunRounds(capped, *store_), (std::vector<size_t>{1, 2}));
}

TEST_F(ShardIoTest, WholeShardReadIsOneRequest) {
  EXPECT_EQ(ReadAndCheck({0, 8}, {8, 16}, Options()), (std::vector<size_t>{1}));
  EXPECT_EQ(store_->ranges_read(), 1u);
  // Above whole_shard_fraction of the subchunks: the whole shard, no index round.
  EngineOptions options = Options();
  options.whole_shard_fraction = 0.5;
  store_->reset();
  EXPECT_EQ(ReadAndCheck({0, 0}, {4, 8}, options), (std::vector<size_t>{1}));
  options.whole_shard_fraction = 0.75;
  EXPECT_EQ(ReadAndCheck({0, 0}, {4, 8}, options), (std::vector<size_t>{1, 1}));
}

TEST_F(ShardIoTest, BatchOverManyShardsFetchesEveryIndexInOneRound) {
  // One element in each of the 4 shards.
  std::vector<DimSelection> corners = {DimSelection::list({1, 9}), DimSelection::list({1, 9})};
  std::vector<int32_t> out(4);
  ReadPlan plan(chain_, testing::OrthogonalBatch(shape_, chunk_, corners), View(out, {2, 2}),
                Options(), "array 'a'");
  ASSERT_EQ(plan.reads().size(), 4u);
  for (const ReadRequest& request : plan.reads()) {
    EXPECT_EQ(request.range, ByteRange::suffix(16 * 16 + 4)) << request.key;
  }
  EXPECT_EQ(RunRounds(plan, *store_), (std::vector<size_t>{4, 4}));
  EXPECT_EQ(out, (std::vector<int32_t>{18, 26, 146, 154}));
  // execute() reports the same: 2 rounds, 8 requests, each key read with one call per round.
  store_->reset();
  ReadPlan again(chain_, testing::OrthogonalBatch(shape_, chunk_, corners), View(out, {2, 2}),
                 Options(), "array 'a'");
  const ExecutionStats stats = execute(again, *store_);
  EXPECT_EQ(stats.rounds, 2u);
  EXPECT_EQ(stats.read_requests, 8u);
  EXPECT_EQ(store_->read_calls(), 8u);
  EXPECT_EQ(stats.bytes_read, store_->bytes_read());
  EXPECT_EQ(again.present(), (std::vector<bool>{true, true, true, true}));
}

TEST_F(ShardIoTest, PlainChunksAreOneRoundOfWholeValues) {
  Init(json::array({BytesJson()}), {4, 4});
  std::vector<int32_t> out(8 * 8);
  ReadPlan plan(chain_, BoxBatch(shape_, chunk_, {2, 2}, {10, 10}), View(out, {8, 8}), Options(),
                "array 'a'");
  ASSERT_EQ(plan.reads().size(), 9u);
  for (const ReadRequest& request : plan.reads()) EXPECT_EQ(request.range, ByteRange::all());
  EXPECT_EQ(RunRounds(plan, *store_), (std::vector<size_t>{9}));
  EXPECT_EQ(out[0], 2 * 16 + 2 + 1);
  EXPECT_EQ(out[63], 9 * 16 + 9 + 1);
}

TEST_F(ShardIoTest, MissingChunksReadAsFillAndReportAbsent) {
  std::vector<int32_t> out(4, 5);
  std::vector<uint64_t> shape = {32, 16};  // rows 16.. were never written
  ReadPlan plan(chain_, BoxBatch(shape, chunk_, {15, 0}, {17, 2}), View(out, {2, 2}), Options(),
                "array 'a'");
  execute(plan, *store_);
  EXPECT_EQ(out, (std::vector<int32_t>{15 * 16 + 1, 15 * 16 + 2, 0, 0}));
  EXPECT_EQ(plan.present(), (std::vector<bool>{true, false}));
}

TEST_F(ShardIoTest, NestedShardsTakeARoundPerLevelOrFetchWholeInnerShards) {
  // Shards of 8 x 8, inner shards of 4 x 4, subchunks of 2 x 2.
  Init(json::array(
      {ShardingJson({4, 4}, json::array({ShardingJson({2, 2}, json::array({BytesJson()}))}))}));
  EngineOptions options = Options();
  options.whole_shard_fraction = 0.5;
  // One subchunk of one inner shard: outer index, inner index, subchunk.
  EXPECT_EQ(ReadAndCheck({0, 0}, {1, 1}, options), (std::vector<size_t>{1, 1, 1}));
  // Three of the four subchunks of one inner shard: the inner shard whole in round 2.
  EXPECT_EQ(ReadAndCheck({0, 0}, {4, 3}, options), (std::vector<size_t>{1, 1}));
  // Two of the four inner shards, one subchunk each: their indexes share round 2.
  options.whole_shard_fraction = 0.6;
  EXPECT_EQ(ReadAndCheck({0, 3}, {1, 5}, options), (std::vector<size_t>{1, 2, 2}));
}

TEST_F(ShardIoTest, CoveredWritesReadNothing) {
  std::vector<int32_t> values(8 * 16, 3);
  EXPECT_TRUE(Write({0, 0}, {8, 16}, values, Options()).empty());
  EXPECT_EQ(store_->ranges_read(), 0u);
  EXPECT_EQ(store_->sets(), 2u);
}

TEST_F(ShardIoTest, PartialShardWriteReadsIndexThenKeptSubchunks) {
  // Subchunk (0, 0) of c/0/0 partially: index, then every other present subchunk's bytes in
  // one merged request, and (0, 0) itself.
  std::vector<int32_t> values = {-1};
  EngineOptions options = Options();
  options.whole_shard_fraction = 1.01;
  options.coalesce_max_gap_bytes = 1 << 20;
  EXPECT_EQ(Write({0, 0}, {1, 1}, values, options), (std::vector<size_t>{1, 1}));
  EXPECT_EQ(store_->sets(), 1u);
  // With a low whole_shard_fraction the shard is read whole at once.
  options.whole_shard_fraction = 0.5;
  store_->reset();
  EXPECT_EQ(Write({0, 0}, {1, 1}, values, options), (std::vector<size_t>{1}));
  std::vector<int32_t> out(2);
  ReadPlan plan(chain_, BoxBatch(shape_, chunk_, {0, 0}, {1, 2}), View(out, {1, 2}), Options(),
                "array 'a'");
  execute(plan, *store_);
  EXPECT_EQ(out, (std::vector<int32_t>{-1, 2}));
}

TEST_F(ShardIoTest, InPlaceWritesPatchFixedSizeSubchunks) {
  Init(json::array({ShardingJson({2, 2}, json::array({BytesJson(), {{"name", "crc32c"}}}))}));
  const Bytes before = *memory_->get("c/0/0");
  EngineOptions options = Options();
  options.write_ranges_in_place = true;
  // One element in each of subchunks (0, 0), (0, 1), (1, 0) and (1, 1): read the index and
  // those four (two merged pairs: they are neighbours in the layout), patch them.
  const std::vector<DimSelection> diagonal = {DimSelection::list({0, 3}),
                                              DimSelection::list({0, 3})};
  std::vector<int32_t> grid(4, -9);
  WritePlan plan(chain_, testing::OrthogonalBatch(shape_, chunk_, diagonal), View(grid, {2, 2}),
                 options, "array 'a'");
  EXPECT_EQ(RunRounds(plan, *store_), (std::vector<size_t>{1, 2}));
  EXPECT_EQ(store_->set_ranges(), 4u);
  EXPECT_EQ(store_->sets(), 0u);
  const Bytes after = *memory_->get("c/0/0");
  EXPECT_EQ(after.size(), before.size());
  ReadAndCheck({4, 4}, {8, 8}, options);  // untouched parts unchanged
  std::vector<int32_t> out(4);
  ReadPlan read(chain_, testing::OrthogonalBatch(shape_, chunk_, diagonal), View(out, {2, 2}),
                options, "array 'a'");
  execute(read, *store_);
  EXPECT_EQ(out, (std::vector<int32_t>{-9, -9, -9, -9}));
}

TEST_F(ShardIoTest, InPlaceFallsBackToARewriteWhenASubchunkEmpties) {
  Init(json::array({ShardingJson({2, 2}, json::array({BytesJson()}))}));
  EngineOptions options = Options();
  options.write_ranges_in_place = true;
  // Zero (the fill) over all of subchunk (0, 0) plus one element of (0, 1): (0, 0) empties, so
  // its slot goes: the shard is rewritten, after a third round for the kept subchunks.
  std::vector<int32_t> zeros(2 * 3, 0);
  EXPECT_EQ(Write({0, 0}, {2, 3}, zeros, options), (std::vector<size_t>{1, 1, 1}));
  EXPECT_EQ(store_->set_ranges(), 0u);
  EXPECT_EQ(store_->sets(), 1u);
  ReadAndCheck({2, 0}, {8, 8}, options);
}

TEST_F(ShardIoTest, EmptiedShardsAndChunksAreErased) {
  EngineOptions options = Options();
  std::vector<int32_t> zero = {0};
  // A scalar fill value over a whole shard: erased without reading.
  WritePlan whole(chain_, BoxBatch(shape_, chunk_, {0, 0}, {8, 8}),
                  StridedArray{reinterpret_cast<std::byte*>(zero.data()), {8, 8}, {0, 0}}, options,
                  "array 'a'");
  EXPECT_TRUE(RunRounds(whole, *store_).empty());
  EXPECT_EQ(store_->erases(), 1u);
  EXPECT_FALSE(memory_->exists("c/0/0"));
  // Emptying the rest of a shard piece by piece: the last piece erases it.
  std::vector<int32_t> zeros(8 * 4, 0);
  Write({0, 8}, {8, 12}, zeros, options);
  EXPECT_TRUE(memory_->exists("c/0/1"));
  Write({0, 12}, {8, 16}, zeros, options);
  EXPECT_FALSE(memory_->exists("c/0/1"));
  // With write_empty_chunks the fill value is stored like any other.
  options.write_empty_chunks = true;
  WritePlan kept(chain_, BoxBatch(shape_, chunk_, {0, 0}, {8, 8}),
                 StridedArray{reinterpret_cast<std::byte*>(zero.data()), {8, 8}, {0, 0}}, options,
                 "array 'a'");
  RunRounds(kept, *store_);
  EXPECT_TRUE(memory_->exists("c/0/0"));
}

TEST_F(ShardIoTest, ChecksumsAreSkippedOnlyWhenAsked) {
  Init(json::array({ShardingJson({2, 2}, json::array({BytesJson(), {{"name", "crc32c"}}}))}));
  Bytes shard = *memory_->get("c/0/0");
  shard[shard.size() - 16 * 16 - 4 - 1] ^= std::byte{0xFF};  // last subchunk's checksum
  memory_->set("c/0/0", shard);
  EngineOptions options = Options();
  testing::ExpectError(
      [&] {
        ReadAndCheck({6, 6}, {8, 8}, options);
      },
      ErrorCode::kChecksumMismatch, {"array 'a'", "key 'c/0/0'", "crc32c"});
  options.validate_checksums = false;
  ReadAndCheck({6, 6}, {8, 8}, options);
  ReadAndCheck({0, 0}, {8, 8}, options);
}

TEST(ExecuteTest, RemoteDefaultsMergeWiderAndSkipIndexRoundsSooner) {
  const EngineOptions local = EngineOptions::for_local_store();
  const EngineOptions remote = EngineOptions::for_remote_store();
  EXPECT_GT(remote.coalesce_max_gap_bytes, local.coalesce_max_gap_bytes);
  EXPECT_GT(remote.coalesce_max_bytes, local.coalesce_max_bytes);
  EXPECT_LT(remote.whole_shard_fraction, local.whole_shard_fraction);
  EXPECT_TRUE(remote.validate_checksums);
  EXPECT_FALSE(remote.write_ranges_in_place);
}

}  // namespace
}  // namespace zarrphase

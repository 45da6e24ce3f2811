// Fused reads (engine.h): which reads a plan fuses once an executor opts in, that computing them
// on arrival gives byte for byte what the ordinary rounds give, and what happens to missing
// keys, truncated values and errors half-way through a round, on the memory store (through the
// default visit_ranges) and on local files.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <numeric>

#include "engine/planner_test_util.h"
#include "engine/range_coalescing.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"
#include "zarrphase/engine.h"
#include "zarrphase/error.h"

namespace zarrphase {
namespace {

using nlohmann::json;
using testing::BoxBatch;
using testing::BytesJson;
using testing::ExpectError;
using testing::ShardingJson;
using testing::VisitingStore;

const DataType kInt32 = DataType::int_(4);
const std::vector<uint64_t> kShape = {16, 16};

json Plain() { return json::array({BytesJson()}); }
// 8 x 8 shards of 2 x 2 subchunks, uncompressed.
json Sharded(const char* index_location = "end") {
  return json::array({ShardingJson({2, 2}, Plain(), index_location)});
}

StridedArray View(std::vector<int32_t>& values, std::vector<uint64_t> shape) {
  return StridedArray::contiguous(reinterpret_cast<std::byte*>(values.data()), std::move(shape), 4);
}

// The value SetUp writes at (i, j).
int32_t At(uint64_t i, uint64_t j) { return static_cast<int32_t>(i * 16 + j + 1); }

class FusedReadsTest : public ::testing::Test {
 protected:
  // Writes 1, 2, 3, ... over the whole 16 x 16 array into `store` with `codecs`.
  void Init(const json& codecs, std::vector<uint64_t> chunk, std::shared_ptr<Store> store) {
    chunk_ = std::move(chunk);
    chain_ = testing::MakeChain(codecs, kInt32, chunk_, testing::Element(kInt32, 0));
    store_ = std::move(store);
    std::vector<int32_t> values(16 * 16);
    std::iota(values.begin(), values.end(), 1);
    WritePlan plan(chain_, BoxBatch(kShape, chunk_, {0, 0}, {16, 16}), View(values, {16, 16}),
                   Options(), "array 'a'");
    EXPECT_FALSE(plan.enable_fused_reads());  // writes fuse nothing
    execute(plan, *store_);
  }
  std::shared_ptr<Store> Files() { return make_filesystem_store(dir_.path() / "store"); }
  std::string PathOf(const std::string& key) const { return dir_.path() / "store" / key; }

  EngineOptions Options() const {
    EngineOptions options;
    options.subchunk_write_order = SubchunkWriteOrder::kLexicographic;
    return options;
  }

  ReadPlan MakePlan(std::vector<ChunkSelection> batch, std::vector<int32_t>& out,
                    std::vector<uint64_t> shape, EngineOptions options) const {
    return ReadPlan(chain_, std::move(batch), View(out, std::move(shape)), options, "array 'a'");
  }

  // The whole array through execute() on `store`.
  std::vector<int32_t> ReadAll(Store& store, EngineOptions options, ExecutionStats* stats) {
    std::vector<int32_t> out(16 * 16, -7);
    ReadPlan plan = MakePlan(BoxBatch(kShape, chunk_, {0, 0}, {16, 16}), out, {16, 16}, options);
    *stats = execute(plan, store);
    return out;
  }

  // Runs `plan` by hand with fused reads enabled, every fused read consumed from store_.get.
  void RunFusedByHand(ReadPlan& plan) {
    ASSERT_TRUE(plan.enable_fused_reads());
    while (!plan.reads().empty() || !plan.fused_reads().empty()) {
      for (size_t i = 0; i < plan.fused_reads().size(); ++i) {
        const ReadRequest& read = plan.fused_reads()[i];
        const std::optional<Bytes> bytes = store_->get(read.key, read.range);
        plan.consume_fused(i, bytes ? std::optional<ByteView>(*bytes) : std::nullopt);
      }
      std::vector<std::optional<Bytes>> answers;
      for (const ReadRequest& read : plan.reads())
        answers.push_back(store_->get(read.key, read.range));
      plan.complete_reads(std::move(answers));
    }
  }

  static std::vector<int32_t> Expected() {
    std::vector<int32_t> values(16 * 16);
    std::iota(values.begin(), values.end(), 1);
    return values;
  }

  testing::TempDir dir_;
  std::vector<uint64_t> chunk_;
  std::shared_ptr<const CodecChain> chain_;
  std::shared_ptr<Store> store_;
};

TEST_F(FusedReadsTest, PlansOfferNoFusedReadsUntilAnExecutorOptsIn) {
  Init(Plain(), {4, 4}, make_memory_store());
  std::vector<int32_t> out(8 * 8);
  ReadPlan plan = MakePlan(BoxBatch(kShape, chunk_, {2, 2}, {10, 10}), out, {8, 8}, Options());
  // Executors that never opt in (the Python ones) see the same reads as always.
  EXPECT_TRUE(plan.fused_reads().empty());
  const std::vector<ReadRequest> ordinary = plan.reads();
  ASSERT_EQ(ordinary.size(), 9u);
  ASSERT_TRUE(plan.enable_fused_reads());
  EXPECT_TRUE(plan.enable_fused_reads());  // idempotent
  EXPECT_TRUE(plan.reads().empty());
  EXPECT_EQ(plan.fused_reads(), ordinary);
}

TEST_F(FusedReadsTest, OptingInIsRefusedOnceARoundHasCompleted) {
  Init(Sharded(), {8, 8}, make_memory_store());
  std::vector<int32_t> out(2 * 2);
  ReadPlan plan = MakePlan(BoxBatch(kShape, chunk_, {0, 0}, {2, 2}), out, {2, 2}, Options());
  std::vector<std::optional<Bytes>> answers;
  for (const ReadRequest& read : plan.reads()) answers.push_back(store_->get(read.key, read.range));
  plan.complete_reads(std::move(answers));
  EXPECT_FALSE(plan.enable_fused_reads());
  EXPECT_TRUE(plan.fused_reads().empty());
  ASSERT_EQ(plan.reads().size(), 1u);
}

TEST_F(FusedReadsTest, ConsumedByHandTheResultIsTheOrdinaryOne) {
  for (const bool sharded : {false, true}) {
    SCOPED_TRACE(sharded ? "sharded" : "plain");
    Init(sharded ? Sharded() : Plain(),
         sharded ? std::vector<uint64_t>{8, 8} : std::vector<uint64_t>{4, 4}, make_memory_store());
    // A strided box over several chunks, into a reversed-stride caller array.
    const std::vector<DimSelection> selection = {DimSelection::range(1, 7, 2),
                                                 DimSelection::range(3, 12)};
    testing::CallerArray ordinary({7, 12}, 4, testing::CallerArray::Layout::kReversed);
    testing::CallerArray fused({7, 12}, 4, testing::CallerArray::Layout::kReversed);
    ReadPlan a(chain_, testing::OrthogonalBatch(kShape, chunk_, selection), ordinary.array(),
               Options(), "array 'a'");
    execute(a, *store_);
    ReadPlan b(chain_, testing::OrthogonalBatch(kShape, chunk_, selection), fused.array(),
               Options(), "array 'a'");
    RunFusedByHand(b);
    for (uint64_t i = 0; i < 7 * 12; ++i) {
      ASSERT_EQ(std::memcmp(ordinary.element(i).data(), fused.element(i).data(), 4), 0) << i;
    }
    int32_t first = 0;
    std::memcpy(&first, fused.element(0).data(), 4);
    EXPECT_EQ(first, At(1, 3));
    EXPECT_EQ(a.present(), b.present());
  }
}

TEST_F(FusedReadsTest, ShardsWantedWholeAreReadThroughTheirIndexWhenFused) {
  Init(Sharded(), {8, 8}, make_memory_store());
  ExecutionStats stats;
  EXPECT_EQ(ReadAll(*store_, Options(), &stats), Expected());
  EXPECT_EQ(stats.rounds, 1u);  // whole shards
  VisitingStore visiting(store_);
  EXPECT_EQ(ReadAll(visiting, Options(), &stats), Expected());
  EXPECT_EQ(stats.rounds, 2u);  // indexes, then every subchunk fused
  EXPECT_EQ(visiting.ranges_visited(), stats.read_requests - 4);
  EXPECT_GT(visiting.visit_calls(), 0u);
  EXPECT_EQ(visiting.read_calls(), 4u);  // the four indexes only
}

TEST_F(FusedReadsTest, OnlyUncompressedNativeLeavesAreFused) {
  const json zstd = {{"name", "zstd"}, {"configuration", {{"level", 1}, {"checksum", false}}}};
  const json big = {{"name", "bytes"}, {"configuration", {{"endian", "big"}}}};
  const json transpose = {{"name", "transpose"}, {"configuration", {{"order", {1, 0}}}}};
  const json crc = {{"name", "crc32c"}};
  const std::vector<std::pair<json, bool>> cases = {
      {json::array({BytesJson(), zstd}), false},
      {json::array({big}), false},
      {json::array({transpose, BytesJson()}), false},
      {json::array({BytesJson(), crc}), true},  // checksums are verified from the cache
      {json::array({ShardingJson({2, 2}, json::array({BytesJson(), zstd}))}), false},
      {json::array({ShardingJson({2, 2}, Plain()), crc}), false},  // no byte ranges
  };
  for (const auto& [codecs, fused] : cases) {
    SCOPED_TRACE(codecs.dump());
    Init(codecs, {8, 8}, make_memory_store());
    VisitingStore visiting(store_);
    ExecutionStats stats;
    EXPECT_EQ(ReadAll(visiting, Options(), &stats), Expected());
    EXPECT_EQ(visiting.visit_calls() > 0, fused);
  }
}

TEST_F(FusedReadsTest, FilesAndMemoryAgreeOverManySelections) {
  for (const bool sharded : {false, true}) {
    SCOPED_TRACE(sharded ? "sharded" : "plain");
    const json codecs = sharded ? Sharded() : Plain();
    const std::vector<uint64_t> chunk =
        sharded ? std::vector<uint64_t>{8, 8} : std::vector<uint64_t>{4, 4};
    Init(codecs, chunk, make_memory_store());
    std::shared_ptr<Store> memory = store_;
    Init(codecs, chunk, Files());
    const std::vector<std::vector<DimSelection>> selections = {
        {DimSelection::all(16), DimSelection::all(16)},
        {DimSelection::range(3, 9), DimSelection::range(5, 10, 1)},
        {DimSelection::range(0, 6, 3), DimSelection::range(1, 5, 3)},
        {DimSelection::list({15, 0, 7, 7}), DimSelection::all(16)},
        {DimSelection::index(9), DimSelection::range(2, 13)},
    };
    for (size_t s = 0; s < selections.size(); ++s) {
      SCOPED_TRACE(s);
      const std::vector<uint64_t> shape = testing::CallerShape(selections[s]);
      testing::CallerArray want(shape, 4, testing::CallerArray::Layout::kPadded);
      testing::CallerArray got(shape, 4, testing::CallerArray::Layout::kPadded);
      ReadPlan a(chain_, testing::OrthogonalBatch(kShape, chunk_, selections[s]), want.array(),
                 Options(), "array 'a'");
      execute(a, *memory);
      ReadPlan b(chain_, testing::OrthogonalBatch(kShape, chunk_, selections[s]), got.array(),
                 Options(), "array 'a'");
      execute(b, *store_);
      for (uint64_t i = 0; i < want.size(); ++i) {
        ASSERT_EQ(std::memcmp(want.element(i).data(), got.element(i).data(), 4), 0) << i;
      }
    }
  }
}

TEST_F(FusedReadsTest, MissingKeysAndSubchunksReadAsFillOnFiles) {
  for (const bool sharded : {false, true}) {
    SCOPED_TRACE(sharded ? "sharded" : "plain");
    Init(sharded ? Sharded() : Plain(), {8, 8}, Files());
    store_->erase("c/1/0");
    std::vector<int32_t> out(16 * 16, -7);
    ReadPlan plan = MakePlan(BoxBatch(kShape, chunk_, {0, 0}, {16, 16}), out, {16, 16}, Options());
    execute(plan, *store_);
    EXPECT_EQ(plan.present(), (std::vector<bool>{true, true, false, true}));
    EXPECT_EQ(out[9 * 16 + 3], 0);         // in the erased chunk: the fill value
    EXPECT_EQ(out[9 * 16 + 9], At(9, 9));  // beside it
  }
  // A shard whose subchunk is all fill has no entry for it.
  Init(Sharded(), {8, 8}, Files());
  std::vector<int32_t> zeros(2 * 2, 0);
  WritePlan erase(chain_, BoxBatch(kShape, chunk_, {2, 2}, {4, 4}), View(zeros, {2, 2}), Options(),
                  "array 'a'");
  execute(erase, *store_);
  ExecutionStats stats;
  const std::vector<int32_t> out = ReadAll(*store_, Options(), &stats);
  EXPECT_EQ(out[2 * 16 + 2], 0);
  EXPECT_EQ(out[2 * 16 + 4], At(2, 4));
}

TEST_F(FusedReadsTest, TruncatedFilesAreErrorsNamingTheKey) {
  // A shard with its index first, cut short in its subchunks.
  Init(Sharded("start"), {8, 8}, Files());
  std::filesystem::resize_file(PathOf("c/0/1"), 16 * 16 + 4 + 40);
  ExecutionStats stats;
  ExpectError([&] { ReadAll(*store_, Options(), &stats); }, ErrorCode::kCorruptData,
              {"array 'a'", "key 'c/0/1'", "exceeds the shard's 300 bytes"});
  // A plain chunk cut short.
  Init(Plain(), {8, 8}, Files());
  std::filesystem::resize_file(PathOf("c/1/1"), 10);
  ExpectError([&] { ReadAll(*store_, Options(), &stats); }, ErrorCode::kCorruptData,
              {"array 'a'", "key 'c/1/1'", "10 bytes, expected 256"});
  // The failed read left nothing behind: the good chunks still read.
  std::vector<int32_t> out(8 * 8, -7);
  ReadPlan plan = MakePlan(BoxBatch(kShape, chunk_, {0, 0}, {8, 8}), out, {8, 8}, Options());
  execute(plan, *store_);
  EXPECT_EQ(out[63], At(7, 7));
}

TEST_F(FusedReadsTest, MisuseOfConsumeIsAnErrorNotUndefined) {
  Init(Plain(), {4, 4}, make_memory_store());
  std::vector<int32_t> out(16 * 16);
  ReadPlan plan = MakePlan(BoxBatch(kShape, chunk_, {0, 0}, {16, 16}), out, {16, 16}, Options());
  ASSERT_TRUE(plan.enable_fused_reads());
  ASSERT_EQ(plan.fused_reads().size(), 16u);
  const std::optional<Bytes> bytes = store_->get(plan.fused_reads()[0].key);
  ExpectError([&] { plan.consume_fused(16, *bytes); }, ErrorCode::kInvalidArgument,
              {"consume_fused of read 16 of 16"});
  plan.consume_fused(0, *bytes);
  ExpectError([&] { plan.consume_fused(0, *bytes); }, ErrorCode::kInvalidArgument,
              {"consumed twice"});
  ExpectError([&] { plan.complete_reads({}); }, ErrorCode::kInvalidArgument,
              {"before fused read 1", "c/0/1"});
  // The failed completion ended the plan.
  EXPECT_TRUE(plan.reads().empty());
  EXPECT_TRUE(plan.fused_reads().empty());
  // Plans without fused reads reject consume_fused.
  WritePlan write(chain_, {}, View(out, {16, 16}), Options(), "array 'a'");
  ExpectError([&] { write.consume_fused(0, std::nullopt); }, ErrorCode::kInvalidArgument,
              {"no fused reads"});
}

TEST_F(FusedReadsTest, AFailedConsumeFailsTheRound) {
  Init(Plain(), {4, 4}, make_memory_store());
  std::vector<int32_t> out(16 * 16);
  ReadPlan plan = MakePlan(BoxBatch(kShape, chunk_, {0, 0}, {16, 16}), out, {16, 16}, Options());
  ASSERT_TRUE(plan.enable_fused_reads());
  const Bytes short_chunk(12);
  ExpectError([&] { plan.consume_fused(3, short_chunk); }, ErrorCode::kCorruptData,
              {"key 'c/0/3'", "12 bytes, expected 64"});
  for (size_t i = 0; i < plan.fused_reads().size(); ++i) {
    if (i != 3) plan.consume_fused(i, store_->get(plan.fused_reads()[i].key).value());
  }
  ExpectError([&] { plan.complete_reads({}); }, ErrorCode::kInvalidArgument,
              {"after a fused read failed"});
  EXPECT_TRUE(plan.fused_reads().empty());
  EXPECT_THROW(plan.complete_reads({}), Error);  // nothing left to complete
}

TEST_F(FusedReadsTest, ExecuteStopsAtTheFirstCorruptChunkAndReportsIt) {
  Init(Plain(), {4, 4}, Files());
  store_->set("c/2/2", as_bytes("not a chunk"));
  ExecutionStats stats;
  ExpectError([&] { ReadAll(*store_, Options(), &stats); }, ErrorCode::kCorruptData,
              {"key 'c/2/2'", "11 bytes"});
}

TEST(RoundReadsFetchesOf, ListsTheFetchesEachRequestCovers) {
  engine::RoundReads round;
  round.add(0, ByteRange::range(100, 10));  // 0
  round.add(1, ByteRange::all());           // 1
  round.add(0, ByteRange::range(0, 10));    // 2
  round.add(0, ByteRange::range(10, 5));    // 3: merges with 2
  round.add(0, ByteRange::range(50, 0));    // 4: empty, no request
  round.add(1, ByteRange::all());           // 5: shares 1
  const std::string keys[] = {"a", "b"};
  const std::vector<ReadRequest> requests = round.build(keys, 0, 1 << 20);
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].range, ByteRange::range(0, 15));
  const auto list = [&](size_t r) {
    return std::vector<size_t>(round.fetches_of(r).begin(), round.fetches_of(r).end());
  };
  EXPECT_EQ(list(0), (std::vector<size_t>{2, 3}));
  EXPECT_EQ(list(1), (std::vector<size_t>{0}));
  EXPECT_EQ(list(2), (std::vector<size_t>{1, 5}));
  const Bytes bytes(15, std::byte{7});
  EXPECT_EQ(round.result_in(3, ByteView(bytes)).bytes.size(), 5u);
  EXPECT_TRUE(round.result_in(3, std::nullopt).missing);
  EXPECT_FALSE(round.result_in(4, std::nullopt).missing);  // an empty range reads nothing
}

}  // namespace
}  // namespace zarrphase

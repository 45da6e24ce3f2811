// Plans fed lent answers (Plan::complete_reads_shared): the bytes are read where they lie, kept
// alive exactly as long as the plan needs them, and the default for other plans copies them.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <numeric>

#include "engine/planner_test_util.h"
#include "zarrphase/engine.h"

namespace zarrphase {
namespace {

using testing::BoxBatch;
using testing::BytesJson;
using testing::ShardingJson;

const DataType kInt32 = DataType::int_(4);

// A 16 x 16 int32 array of 8 x 8 shards of 2 x 2 subchunks, holding 1, 2, 3, ... in C order.
class SharedAnswersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fill_ = testing::Element(kInt32, 0);
    chain_ = testing::MakeChain(
        nlohmann::json::array({ShardingJson({2, 2}, nlohmann::json::array({BytesJson()}))}), kInt32,
        chunk_, fill_);
    std::vector<int32_t> values(16 * 16);
    std::iota(values.begin(), values.end(), 1);
    WritePlan plan(chain_, BoxBatch(shape_, chunk_, {0, 0}, {16, 16}), View(values, {16, 16}),
                   EngineOptions(), "array 'a'");
    execute(plan, *store_);
  }

  static StridedArray View(std::vector<int32_t>& values, std::vector<uint64_t> shape) {
    return StridedArray::contiguous(reinterpret_cast<std::byte*>(values.data()), std::move(shape),
                                    4);
  }

  // The answers to `plan`'s current reads, each in its own buffer owned only by the answer;
  // `alive` watches those buffers.
  std::vector<std::optional<SharedBytes>> LentAnswers(
      const Plan& plan, std::vector<std::weak_ptr<const void>>& alive) {
    std::vector<std::optional<SharedBytes>> answers;
    for (const ReadRequest& request : plan.reads()) {
      std::optional<Bytes> value = store_->get(request.key, request.range);
      if (!value) {
        answers.emplace_back();
        continue;
      }
      answers.push_back(SharedBytes::adopt(std::move(*value)));
      alive.push_back(answers.back()->owner);
    }
    return answers;
  }

  static bool AnyAlive(const std::vector<std::weak_ptr<const void>>& alive) {
    for (const auto& w : alive) {
      if (!w.expired()) return true;
    }
    return false;
  }

  std::vector<uint64_t> shape_ = {16, 16};
  std::vector<uint64_t> chunk_ = {8, 8};
  Bytes fill_;
  std::shared_ptr<const CodecChain> chain_;
  std::shared_ptr<Store> store_ = make_memory_store();
};

TEST_F(SharedAnswersTest, ReadPlanReadsLentBytesAndLetsGoOfThemEachRound) {
  std::vector<int32_t> out(6 * 5, -7);
  EngineOptions options;
  options.whole_shard_fraction = 1.0;  // index round, then subchunk round
  ReadPlan plan(chain_, BoxBatch(shape_, chunk_, {3, 5}, {9, 10}), View(out, {6, 5}), options,
                "array 'a'");
  size_t rounds = 0;
  while (!plan.reads().empty()) {
    std::vector<std::weak_ptr<const void>> alive;
    plan.complete_reads_shared(LentAnswers(plan, alive));
    ++rounds;
    EXPECT_FALSE(AnyAlive(alive)) << "round " << rounds << " kept its answers";
  }
  EXPECT_EQ(rounds, 2u);
  for (uint64_t i = 0; i < 6; ++i) {
    for (uint64_t j = 0; j < 5; ++j) {
      EXPECT_EQ(out[i * 5 + j], static_cast<int32_t>((3 + i) * 16 + 5 + j + 1));
    }
  }
}

TEST_F(SharedAnswersTest, WritePlanKeepsLentBytesUntilItsWritesAreTaken) {
  std::vector<int32_t> value(3 * 3, -1);
  EngineOptions options;
  options.whole_shard_fraction = 1.0;
  WritePlan plan(chain_, BoxBatch(shape_, chunk_, {1, 1}, {4, 4}), View(value, {3, 3}), options,
                 "array 'a'");
  std::vector<std::weak_ptr<const void>> alive;
  while (!plan.reads().empty()) plan.complete_reads_shared(LentAnswers(plan, alive));
  ASSERT_FALSE(alive.empty());
  // Untouched subchunks of the shard are copied from the old bytes when the writes are built.
  EXPECT_TRUE(AnyAlive(alive));
  for (const StoreWrite& write : plan.take_writes()) apply_write(write, *store_);
  EXPECT_FALSE(AnyAlive(alive));

  std::vector<int32_t> out(16 * 16, -7);
  ReadPlan read(chain_, BoxBatch(shape_, chunk_, {0, 0}, {16, 16}), View(out, {16, 16}),
                EngineOptions(), "array 'a'");
  execute(read, *store_);
  for (uint64_t i = 0; i < 16; ++i) {
    for (uint64_t j = 0; j < 16; ++j) {
      const bool written = i >= 1 && i < 4 && j >= 1 && j < 4;
      EXPECT_EQ(out[i * 16 + j], written ? -1 : static_cast<int32_t>(i * 16 + j + 1));
    }
  }
}

// A plan that only implements complete_reads: the default complete_reads_shared copies.
class RecordingPlan : public Plan {
 public:
  const std::vector<ReadRequest>& reads() const override { return reads_; }
  void complete_reads(std::vector<std::optional<Bytes>> answers) override {
    answers_ = std::move(answers);
    reads_.clear();
  }
  size_t rounds_completed() const override { return reads_.empty() ? 1 : 0; }
  std::vector<ReadRequest> reads_ = {{"a", ByteRange::all()}, {"b", ByteRange::all()}};
  std::vector<std::optional<Bytes>> answers_;
};

TEST(PlanDefaultTest, CompleteReadsSharedCopiesIntoCompleteReads) {
  RecordingPlan plan;
  std::vector<std::optional<SharedBytes>> answers(2);
  answers[0] = SharedBytes::adopt(to_bytes("lent bytes"));
  std::weak_ptr<const void> owner = answers[0]->owner;
  plan.complete_reads_shared(std::move(answers));
  EXPECT_TRUE(owner.expired());  // the plan holds a copy, not the lent buffer
  ASSERT_EQ(plan.answers_.size(), 2u);
  ASSERT_TRUE(plan.answers_[0].has_value());
  EXPECT_EQ(as_string_view(*plan.answers_[0]), "lent bytes");
  EXPECT_FALSE(plan.answers_[1].has_value());
}

TEST(PlanDefaultTest, MemoryStoreLendsTheStoredBytes) {
  std::shared_ptr<Store> store = make_memory_store();
  store->set("a", as_bytes("0123456789"));
  const ByteRange ranges[] = {ByteRange::range(2, 3), ByteRange::suffix(2)};
  const std::optional<std::vector<SharedBytes>> first = store->get_ranges_shared("a", ranges);
  const std::optional<std::vector<SharedBytes>> second = store->get_ranges_shared("a", ranges);
  ASSERT_TRUE(first && second);
  // Both reads point at the same stored bytes: lent, not copied.
  EXPECT_EQ((*first)[0].bytes.data(), (*second)[0].bytes.data());
  EXPECT_EQ(as_string_view((*first)[0].bytes), "234");
  EXPECT_EQ(as_string_view((*first)[1].bytes), "89");
}

}  // namespace
}  // namespace zarrphase

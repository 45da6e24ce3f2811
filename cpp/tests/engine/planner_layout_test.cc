// Byte identity with zarr-python's shard layouts: fixtures from
// cpp/tests/golden/generate_engine_layouts.py replay a full and then a partial write with each
// subchunk_write_order; the engine must store the same keys with the same bytes, and read
// zarr-python's shards back to the written values.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <set>

#include "engine/planner_test_util.h"
#include "support/golden.h"
#include "zarrphase/engine.h"
#include "zarrphase/fill_value.h"

namespace zarrphase {
namespace {

using nlohmann::json;

SubchunkWriteOrder OrderNamed(const std::string& name) {
  if (name == "morton") return SubchunkWriteOrder::kMorton;
  if (name == "lexicographic") return SubchunkWriteOrder::kLexicographic;
  if (name == "colexicographic") return SubchunkWriteOrder::kColexicographic;
  ADD_FAILURE() << "unknown order " << name;
  return SubchunkWriteOrder::kUnordered;
}

std::string Dir() { return testing::GoldenDir("engine"); }

class LayoutTest : public ::testing::TestWithParam<size_t> {
 protected:
  void SetUp() override {
    const json manifest = testing::ReadJsonFile(Dir() + "/manifest.json");
    ASSERT_LT(GetParam(), manifest.size());
    case_ = manifest[GetParam()];
    dtype_ = DataType::from_v3_name(case_["data_type"].get<std::string>());
    shape_ = case_["shape"].get<std::vector<uint64_t>>();
    chunk_ = case_["chunk_shape"].get<std::vector<uint64_t>>();
    fill_ = FillValue::from_json(case_["fill_value"], dtype_);
    chain_ = testing::MakeChain(case_["codecs"], dtype_, chunk_, fill_.bytes());
    options_.subchunk_write_order = OrderNamed(case_["order"].get<std::string>());
    options_.write_empty_chunks = case_["write_empty_chunks"].get<bool>();
  }

  // Applies step `step`'s write to `model` (C-ordered bytes of the whole array).
  void ApplyToModel(const json& step, Bytes& model) const {
    const Bytes values = testing::ReadFileBytes(Dir() + "/" + step["values"].get<std::string>());
    std::vector<DimSelection> box;
    for (const json& range : step["region"]) {
      box.push_back(
          DimSelection::range(range[0], range[1].get<uint64_t>() - range[0].get<uint64_t>()));
    }
    const std::vector<uint64_t> positions = testing::SelectedPositions(shape_, box);
    const size_t size = dtype_.size();
    for (size_t i = 0; i < positions.size(); ++i) {
      std::memcpy(model.data() + positions[i] * size, values.data() + i * size, size);
    }
  }

  Bytes ReadAll(Store& store) const {
    Bytes out(shape_[0] * shape_[1] * dtype_.size());
    ReadPlan plan(chain_, testing::BoxBatch(shape_, chunk_, {0, 0}, shape_),
                  StridedArray::contiguous(out.data(), shape_, dtype_.size()), options_,
                  "array 'golden'");
    execute(plan, store);
    return out;
  }

  json case_;
  DataType dtype_;
  std::vector<uint64_t> shape_;
  std::vector<uint64_t> chunk_;
  FillValue fill_;
  std::shared_ptr<const CodecChain> chain_;
  EngineOptions options_;
};

TEST_P(LayoutTest, WritesAreByteIdenticalToZarrPython) {
  SCOPED_TRACE(case_["name"].get<std::string>());
  std::shared_ptr<Store> store = make_memory_store();
  for (const json& step : case_["steps"]) {
    Bytes values = testing::ReadFileBytes(Dir() + "/" + step["values"].get<std::string>());
    std::vector<uint64_t> start;
    std::vector<uint64_t> stop;
    for (const json& range : step["region"]) {
      start.push_back(range[0]);
      stop.push_back(range[1]);
    }
    const std::vector<uint64_t> extent = {stop[0] - start[0], stop[1] - start[1]};
    WritePlan plan(chain_, testing::BoxBatch(shape_, chunk_, start, stop),
                   StridedArray::contiguous(values.data(), extent, dtype_.size()), options_,
                   "array 'golden'");
    execute(plan, *store);
    std::set<std::string> expected_keys;
    for (const auto& [key, file] : step["keys"].items()) {
      expected_keys.insert(key);
      const Bytes expected = testing::ReadFileBytes(Dir() + "/" + file.get<std::string>());
      const std::optional<Bytes> actual = store->get(key);
      ASSERT_TRUE(actual.has_value()) << key;
      EXPECT_TRUE(*actual == expected)
          << key << ": " << actual->size() << " bytes vs zarr-python's " << expected.size();
    }
    const std::vector<std::string> listed = store->list("c");
    EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), expected_keys);
  }
}

TEST_P(LayoutTest, ReadsZarrPythonShards) {
  SCOPED_TRACE(case_["name"].get<std::string>());
  Bytes model(shape_[0] * shape_[1] * dtype_.size());
  for (size_t i = 0; i < shape_[0] * shape_[1]; ++i) {
    std::memcpy(model.data() + i * dtype_.size(), fill_.bytes().data(), dtype_.size());
  }
  for (const json& step : case_["steps"]) {
    ApplyToModel(step, model);
    std::shared_ptr<Store> store = make_memory_store();
    for (const auto& [key, file] : step["keys"].items()) {
      store->set(key, testing::ReadFileBytes(Dir() + "/" + file.get<std::string>()));
    }
    EXPECT_TRUE(ReadAll(*store) == model);
    // And with every subchunk read by its own range (no whole-shard reads).
    options_.whole_shard_fraction = 2;
    EXPECT_TRUE(ReadAll(*store) == model);
    options_.whole_shard_fraction = 0.5;
  }
}

std::vector<size_t> CaseNumbers() {
  std::vector<size_t> numbers(testing::ReadJsonFile(Dir() + "/manifest.json").size());
  for (size_t i = 0; i < numbers.size(); ++i) numbers[i] = i;
  return numbers;
}

INSTANTIATE_TEST_SUITE_P(Golden, LayoutTest, ::testing::ValuesIn(CaseNumbers()));

}  // namespace
}  // namespace zarrphase

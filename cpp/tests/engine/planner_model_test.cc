// Property tests of ReadPlan and WritePlan against a plain in-memory model: random arrays
// (shapes with ragged edge chunks, every element size from 1 to 16 bytes), every chain shape the
// planner treats differently, and random sequences of region, strided, index-list and
// pointwise writes and reads, with each subchunk order and both write_empty_chunks settings.
// After every read the output must equal the model; at the end the store must hold exactly the
// keys the model says are non-empty (or were ever written, with write_empty_chunks). Seeds take
// turns between the memory store, the memory store with fused reads (VisitingStore) and local
// files (fused reads through the filesystem store's visit_ranges).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <variant>

#include "engine/planner_test_util.h"
#include "support/temp_dir.h"
#include "zarrphase/config.h"
#include "zarrphase/engine.h"
#include "zarrphase/error.h"

namespace zarrphase {
namespace {

using nlohmann::json;
using testing::CallerArray;
using testing::ModelArray;

struct Geometry {
  std::vector<uint64_t> shape;
  std::vector<uint64_t> chunk;     // outer chunk (shard) shape
  std::vector<uint64_t> subchunk;  // divides chunk
  std::vector<uint64_t> inner;     // divides subchunk (nested sharding)
};

json Zstd() { return {{"name", "zstd"}, {"configuration", {{"level", 1}, {"checksum", false}}}}; }
json Crc() { return {{"name", "crc32c"}}; }
json Transpose(size_t rank) {
  std::vector<size_t> order(rank);
  for (size_t d = 0; d < rank; ++d) order[d] = rank - 1 - d;
  return {{"name", "transpose"}, {"configuration", {{"order", order}}}};
}
json BigEndian() { return {{"name", "bytes"}, {"configuration", {{"endian", "big"}}}}; }
std::vector<uint64_t> Reversed(std::vector<uint64_t> v) {
  std::reverse(v.begin(), v.end());
  return v;
}

struct ChainCase {
  const char* name;
  std::function<json(const Geometry&)> codecs;
};

std::vector<ChainCase> ChainCases() {
  using testing::BytesJson;
  using testing::ShardingJson;
  return {
      {"bytes", [](const Geometry&) { return json::array({BytesJson()}); }},
      {"bytes_zstd",
       [](const Geometry&) {
         return json::array({BytesJson(), Zstd()});
       }},
      {"transpose_bytes_crc",
       [](const Geometry& g) {
         return json::array({Transpose(g.shape.size()), BigEndian(), Crc()});
       }},
      {"shard",
       [](const Geometry& g) {
         return json::array({ShardingJson(g.subchunk, json::array({BytesJson()}))});
       }},
      {"shard_index_start_crc_inside",
       [](const Geometry& g) {
         return json::array({ShardingJson(g.subchunk, json::array({BytesJson(), Crc()}), "start")});
       }},
      {"shard_zstd_inside",
       [](const Geometry& g) {
         return json::array({ShardingJson(g.subchunk, json::array({BytesJson(), Zstd()}))});
       }},
      {"transpose_before_shard",
       [](const Geometry& g) {
         return json::array({Transpose(g.shape.size()),
                             ShardingJson(Reversed(g.subchunk), json::array({BytesJson()}))});
       }},
      {"shard_crc_outside",
       [](const Geometry& g) {
         return json::array({ShardingJson(g.subchunk, json::array({BytesJson(), Crc()})), Crc()});
       }},
      {"shard_transposed_big_endian_inside",
       [](const Geometry& g) {
         return json::array({ShardingJson(
             g.subchunk, json::array({Transpose(g.shape.size()), BigEndian(), Crc()}))});
       }},
      {"nested_shard",
       [](const Geometry& g) {
         return json::array({ShardingJson(
             g.subchunk,
             json::array({ShardingJson(g.inner, json::array({BytesJson(), Zstd()}))}))});
       }},
      {"nested_shard_plain",
       [](const Geometry& g) {
         return json::array({ShardingJson(
             g.subchunk, json::array({ShardingJson(g.inner, json::array({BytesJson()}))}))});
       }},
      {"nested_shard_index_start_crc_between",
       [](const Geometry& g) {
         return json::array({ShardingJson(
             g.subchunk,
             json::array({ShardingJson(g.inner, json::array({BytesJson()}), "start"), Crc()}))});
       }},
  };
}

const DataType kDataTypes[] = {DataType::uint(1),   DataType::int_(2),   DataType::float_(4),
                               DataType::int_(8),   DataType::float_(8), DataType::complex(16),
                               DataType::float_(2), DataType::boolean()};

// An orthogonal selection or a list of points.
using Selection = std::variant<std::vector<DimSelection>, std::vector<std::vector<uint64_t>>>;

// (chain case, seed, large): large arrays have enough work per batch for the pool to run it on
// several threads (small ones run inline), so they test the compute for races.
class ModelTest : public ::testing::TestWithParam<std::tuple<size_t, int, bool>> {
 protected:
  void SetUp() override {
    const auto [chain_index, seed, large] = GetParam();
    rng_.seed(static_cast<uint64_t>(seed) * 7919 + chain_index + (large ? 104729 : 0));
    if (large) set_thread_count(4);
    const size_t rank = large ? 2 : 1 + rng_() % 3;
    for (size_t d = 0; d < rank; ++d) {
      const uint64_t inner = large ? 16 << (rng_() % 2) : 1 + rng_() % 2;
      const uint64_t sub = inner * (1 + rng_() % 2);
      const uint64_t chunk = sub * (large ? 4 : 1 + rng_() % 3);
      const uint64_t grid = large ? 2 + rng_() % 2 : 1 + rng_() % (rank == 3 ? 2 : 3);
      const uint64_t ragged = rng_() % (large ? chunk / 2 : chunk);
      geometry_.inner.push_back(inner);
      geometry_.subchunk.push_back(sub);
      geometry_.chunk.push_back(chunk);
      geometry_.shape.push_back(std::max<uint64_t>(1, chunk * grid - ragged));
    }
    dtype_ = kDataTypes[rng_() % std::size(kDataTypes)];
    fill_k_ = static_cast<int>(rng_() % 2);
    fill_ = testing::Element(dtype_, fill_k_);
    const ChainCase chain_case = ChainCases()[chain_index];
    codecs_ = chain_case.codecs(geometry_);
    chain_ = testing::MakeChain(codecs_, dtype_, geometry_.chunk, fill_);
    options_.write_empty_chunks = rng_() % 2 == 0;
    options_.subchunk_write_order = static_cast<SubchunkWriteOrder>(rng_() % 4);
    const double fractions[] = {0.0, 0.3, 0.5, 1.01};
    options_.whole_shard_fraction = fractions[rng_() % 4];
    const uint64_t gaps[] = {0, 16, 1 << 16};
    options_.coalesce_max_gap_bytes = gaps[rng_() % 3];
    options_.coalesce_max_bytes = rng_() % 2 == 0 ? 64 : (16 << 20);
    options_.write_ranges_in_place = rng_() % 3 == 0;
    model_ = std::make_unique<ModelArray>(geometry_.shape, dtype_.size(), fill_);
    switch (seed % 3) {
      case 0:
        store_ = make_memory_store();
        break;
      case 1:
        store_ = std::make_shared<testing::VisitingStore>(make_memory_store());
        break;
      default:
        store_ = make_filesystem_store(dir_.path() / "store");
        break;
    }
  }

  void TearDown() override { set_thread_count(0); }

  std::string Describe() const {
    std::string out = "codecs " + codecs_.dump() + " dtype " + dtype_.name() + " shape [";
    for (const uint64_t e : geometry_.shape) out += std::to_string(e) + " ";
    out += "] chunk [";
    for (const uint64_t e : geometry_.chunk) out += std::to_string(e) + " ";
    out += "] write_empty_chunks " + std::to_string(options_.write_empty_chunks) + " order " +
           std::to_string(static_cast<int>(options_.subchunk_write_order)) + " in_place " +
           std::to_string(options_.write_ranges_in_place) + " fraction " +
           std::to_string(options_.whole_shard_fraction);
    return out;
  }

  uint64_t Below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  Selection RandomSelection(bool for_write) {
    const auto& shape = geometry_.shape;
    if (rng_() % 6 == 0) {  // points
      std::set<std::vector<uint64_t>> unique;
      std::vector<std::vector<uint64_t>> points;
      const uint64_t n = 1 + Below(std::get<2>(GetParam()) ? 400 : 12);
      for (uint64_t i = 0; i < n; ++i) {
        std::vector<uint64_t> p;
        for (const uint64_t e : shape) p.push_back(Below(e));
        if (!for_write || unique.insert(p).second) points.push_back(p);
      }
      return points;
    }
    std::vector<DimSelection> selection;
    for (const uint64_t extent : shape) {
      const uint64_t kind = Below(10);
      if (kind < 2) {
        selection.push_back(DimSelection::all(extent));
      } else if (kind < 6) {
        const uint64_t start = Below(extent);
        const uint64_t step = 1 + (Below(3) == 0 ? Below(3) : 0);
        const uint64_t max_count = (extent - start + step - 1) / step;
        selection.push_back(DimSelection::range(start, 1 + Below(max_count), step));
      } else if (kind < 8) {
        std::vector<uint64_t> indices;
        const uint64_t n = 1 + Below(extent);
        for (uint64_t i = 0; i < n; ++i) indices.push_back(Below(extent));
        if (for_write) {  // unique places, in a shuffled order
          std::sort(indices.begin(), indices.end());
          indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
          std::shuffle(indices.begin(), indices.end(), rng_);
        }
        selection.push_back(DimSelection::list(indices));
      } else {
        selection.push_back(DimSelection::index(Below(extent)));
      }
    }
    return selection;
  }

  std::vector<ChunkSelection> Batch(const Selection& selection) const {
    if (const auto* ortho = std::get_if<std::vector<DimSelection>>(&selection)) {
      return testing::OrthogonalBatch(geometry_.shape, geometry_.chunk, *ortho);
    }
    return testing::PointsBatch(geometry_.shape, geometry_.chunk,
                                std::get<std::vector<std::vector<uint64_t>>>(selection));
  }
  std::vector<uint64_t> Positions(const Selection& selection) const {
    if (const auto* ortho = std::get_if<std::vector<DimSelection>>(&selection)) {
      return testing::SelectedPositions(geometry_.shape, *ortho);
    }
    return testing::PointPositions(geometry_.shape,
                                   std::get<std::vector<std::vector<uint64_t>>>(selection));
  }
  std::vector<uint64_t> CallerShapeOf(const Selection& selection) const {
    if (const auto* ortho = std::get_if<std::vector<DimSelection>>(&selection)) {
      return testing::CallerShape(*ortho);
    }
    return {std::get<std::vector<std::vector<uint64_t>>>(selection).size()};
  }

  void RandomWrite() {
    const Selection selection = RandomSelection(true);
    const std::vector<uint64_t> positions = Positions(selection);
    const uint64_t layout_pick = Below(8);
    const auto layout = layout_pick < 2   ? CallerArray::Layout::kBroadcast
                        : layout_pick < 3 ? CallerArray::Layout::kPadded
                        : layout_pick < 4 ? CallerArray::Layout::kReversed
                                          : CallerArray::Layout::kContiguous;
    CallerArray value(CallerShapeOf(selection), dtype_.size(), layout);
    const bool fill_heavy = Below(3) == 0;
    const uint64_t writes = layout == CallerArray::Layout::kBroadcast ? 1 : value.size();
    for (uint64_t i = 0; i < writes; ++i) {
      const int k = fill_heavy && Below(5) != 0 ? fill_k_ : static_cast<int>(Below(4));
      const Bytes element = testing::Element(dtype_, k);
      std::memcpy(value.element(i).data(), element.data(), element.size());
    }
    std::vector<ChunkSelection> batch = Batch(selection);
    for (const ChunkSelection& chunk : batch) {
      if (!positions.empty()) written_.insert(chunk.key);
    }
    EngineOptions options = options_;
    WritePlan plan(chain_, std::move(batch), value.array(), options, "array 'model'");
    execute(plan, *store_);
    for (uint64_t i = 0; i < positions.size(); ++i) model_->set(positions[i], value.element(i));
  }

  void ReadAndCompare(const Selection& selection) {
    const std::vector<uint64_t> positions = Positions(selection);
    const uint64_t layout_pick = Below(4);
    const auto layout = layout_pick == 0   ? CallerArray::Layout::kPadded
                        : layout_pick == 1 ? CallerArray::Layout::kReversed
                                           : CallerArray::Layout::kContiguous;
    CallerArray out(CallerShapeOf(selection), dtype_.size(), layout);
    EngineOptions options = options_;
    options.validate_checksums = Below(4) != 0;
    std::vector<ChunkSelection> batch = Batch(selection);
    const size_t chunks = batch.size();
    ReadPlan plan(chain_, std::move(batch), out.array(), options, "array 'model'");
    execute(plan, *store_);
    ASSERT_EQ(plan.present().size(), chunks);
    ASSERT_EQ(out.size(), positions.size());
    for (uint64_t i = 0; i < positions.size(); ++i) {
      ASSERT_EQ(std::memcmp(out.element(i).data(), model_->at(positions[i]).data(), dtype_.size()),
                0)
          << "element " << i << " (array position " << positions[i] << ")";
    }
  }

  void CheckKeys() {
    std::set<std::string> expected;
    std::vector<uint64_t> grid;
    for (size_t d = 0; d < geometry_.shape.size(); ++d) {
      grid.push_back((geometry_.shape[d] + geometry_.chunk[d] - 1) / geometry_.chunk[d]);
    }
    std::vector<uint64_t> coords(grid.size(), 0);
    while (true) {
      const std::string key = testing::ChunkKey(coords);
      const bool stored = options_.write_empty_chunks
                              ? written_.count(key) > 0
                              : !model_->chunk_is_fill(geometry_.chunk, coords);
      if (stored) expected.insert(key);
      size_t d = coords.size();
      while (d > 0 && ++coords[d - 1] == grid[d - 1]) coords[--d] = 0;
      if (d == 0) break;
    }
    const std::vector<std::string> listed = store_->list("c");
    EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), expected);
  }

  std::mt19937_64 rng_;
  Geometry geometry_;
  DataType dtype_;
  int fill_k_ = 0;
  Bytes fill_;
  json codecs_;
  std::shared_ptr<const CodecChain> chain_;
  EngineOptions options_;
  std::unique_ptr<ModelArray> model_;
  testing::TempDir dir_;
  std::shared_ptr<Store> store_;
  std::set<std::string> written_;
};

TEST_P(ModelTest, RandomWritesAndReadsMatchTheModel) {
  SCOPED_TRACE(Describe());
  const int operations = std::get<2>(GetParam()) ? 12 : 30;
  for (int op = 0; op < operations; ++op) {
    SCOPED_TRACE("operation " + std::to_string(op));
    if (Below(5) < 3) {
      RandomWrite();
    } else {
      ReadAndCompare(RandomSelection(false));
    }
    if (HasFatalFailure()) return;
  }
  std::vector<DimSelection> everything;
  for (const uint64_t e : geometry_.shape) everything.push_back(DimSelection::all(e));
  ReadAndCompare(everything);
  CheckKeys();
}

std::string CaseName(const ::testing::TestParamInfo<std::tuple<size_t, int, bool>>& info) {
  return std::string(ChainCases()[std::get<0>(info.param)].name) +
         (std::get<2>(info.param) ? "_large" : "") + "_seed" +
         std::to_string(std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(Chains, ModelTest,
                         ::testing::Combine(::testing::Range<size_t>(0, 12),
                                            ::testing::Range(0, 10), ::testing::Values(false)),
                         CaseName);
INSTANTIATE_TEST_SUITE_P(Large, ModelTest,
                         ::testing::Combine(::testing::Range<size_t>(0, 12), ::testing::Range(0, 3),
                                            ::testing::Values(true)),
                         CaseName);

}  // namespace
}  // namespace zarrphase

#include "codecs/sharding_codec.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include "codecs/crc32c_codec.h"
#include "support/expect_error.h"
#include "support/round_trip.h"
#include "zarrphase/error.h"
#include "zarrphase/sharding.h"

namespace zarrphase {
namespace {

using ::zarrphase::testing::AllDataTypes;
using ::zarrphase::testing::CaptureError;
using ::zarrphase::testing::ExpectRoundTrip;
using ::zarrphase::testing::MakeSpec;
using ::zarrphase::testing::RandomArrayBytes;

nlohmann::json Sharding(std::vector<uint64_t> chunk_shape, const char* location = "end",
                        nlohmann::json codecs = nlohmann::json::parse(
                            R"([{"name": "bytes", "configuration": {"endian": "little"}}])")) {
  return nlohmann::json::array({{{"name", "sharding_indexed"},
                                 {"configuration",
                                  {{"chunk_shape", chunk_shape},
                                   {"codecs", codecs},
                                   {"index_codecs", nlohmann::json::parse(R"([{"name": "bytes",
              "configuration": {"endian": "little"}}, {"name": "crc32c"}])")},
                                   {"index_location", location}}}}});
}

Bytes ReadFixture(const std::string& name) {
  std::ifstream file(std::string(ZARRPHASE_GOLDEN_DIR) + "/sharding/" + name, std::ios::binary);
  EXPECT_TRUE(file.good()) << "missing fixture " << name;
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  return to_bytes(text);
}

void ExpectMessageHas(const Error& e, std::initializer_list<const char*> parts) {
  for (const char* part : parts) {
    EXPECT_NE(e.message().find(part), std::string::npos) << e.message() << " lacks " << part;
  }
}

// --- Byte identity with zarr-python (fixtures from cpp/tests/golden/generate_sharding.py) ---

struct GoldenCase {
  const char* name;
  DataType dtype;
  std::vector<uint64_t> shape;
  Bytes fill;
};

class ShardingGoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(ShardingGoldenTest, EncodesByteIdenticalAndDecodes) {
  const GoldenCase& c = GetParam();
  const std::string name = c.name;
  const nlohmann::json codecs = nlohmann::json::parse(as_string_view(ReadFixture(name + ".json")));
  const Bytes input = ReadFixture(name + ".input.bin");  // little-endian == native here
  const Bytes expected = ReadFixture(name + ".shard.bin");
  const ChunkSpec spec{c.dtype, c.shape, FillValue::from_bytes(c.dtype, c.fill)};
  const CodecChain chain = CodecChain::from_json(codecs, spec);
  EXPECT_EQ(chain.to_json(), codecs);
  const Bytes encoded = chain.encode(input);
  EXPECT_TRUE(encoded == expected) << "shard differs from zarr-python's (" << encoded.size()
                                   << " vs " << expected.size() << " bytes)";
  Bytes decoded(spec.num_bytes());
  chain.decode(expected, decoded);
  EXPECT_TRUE(decoded == input);
}

Bytes Int32(int32_t v) {
  Bytes out(4);
  std::memcpy(out.data(), &v, 4);
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    ZarrPython, ShardingGoldenTest,
    ::testing::Values(
        GoldenCase{"uint16_4x4_index_end", DataType::uint(2), {4, 4}, Bytes(2, std::byte{0})},
        GoldenCase{"uint16_4x4_index_start", DataType::uint(2), {4, 4}, Bytes(2, std::byte{0})},
        GoldenCase{"int32_6x10_morton", DataType::int_(4), {6, 10}, Int32(-1)}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

// --- Layout ---

TEST(ShardLayoutTest, DescribesIndexAndOrder) {
  const ChunkSpec spec = MakeSpec(DataType::uint(2), {4, 4});
  const CodecChain end = CodecChain::from_json(Sharding({2, 2}), spec);
  const ShardLayout* layout = shard_layout(end);
  ASSERT_NE(layout, nullptr);
  EXPECT_EQ(layout->subchunks_per_shard(), (std::vector<uint64_t>{2, 2}));
  EXPECT_EQ(layout->num_subchunks(), 4U);
  EXPECT_EQ(layout->index_encoded_size(), 4U * 16U + 4U);
  EXPECT_EQ(layout->index_location(), ShardIndexLocation::kEnd);
  EXPECT_EQ(layout->index_range(), ByteRange::suffix(68));
  EXPECT_EQ(layout->write_order(), (std::vector<uint64_t>{0, 2, 1, 3}));
  EXPECT_EQ(layout->subchunk_linear_index(std::vector<uint64_t>{1, 0}), 2U);
  EXPECT_EQ(layout->subchunk_coords(3), (std::vector<uint64_t>{1, 1}));
  EXPECT_FALSE(end.encoded_size().has_value());

  const CodecChain start = CodecChain::from_json(Sharding({2, 2}, "start"), spec);
  EXPECT_EQ(shard_layout(start)->index_range(), ByteRange::range(0, 68));
  EXPECT_EQ(shard_layout(CodecChain::from_json(
                nlohmann::json::parse(R"([{"name": "bytes", "configuration": {"endian": "big"}}])"),
                spec)),
            nullptr);
}

TEST(ShardLayoutTest, MortonOrderMatchesZarrPython) {
  // From zarr.core.indexing.morton_order_coords((3, 5)) and ((2, 3, 2)).
  const CodecChain grid_3x5 =
      CodecChain::from_json(Sharding({1, 1}), MakeSpec(DataType::uint(1), {3, 5}));
  EXPECT_EQ(shard_layout(grid_3x5)->write_order(),
            (std::vector<uint64_t>{0, 5, 1, 6, 10, 11, 2, 7, 3, 8, 12, 13, 4, 9, 14}));
  const CodecChain grid_2x3x2 =
      CodecChain::from_json(Sharding({1, 2, 1}), MakeSpec(DataType::uint(1), {2, 6, 2}));
  EXPECT_EQ(shard_layout(grid_2x3x2)->write_order(),
            (std::vector<uint64_t>{0, 6, 2, 8, 1, 7, 3, 9, 4, 10, 5, 11}));
}

TEST(ShardLayoutTest, IndexEncodeDecodeAndAssemble) {
  const CodecChain chain =
      CodecChain::from_json(Sharding({2, 2}), MakeSpec(DataType::uint(2), {4, 4}));
  const ShardLayout& layout = *shard_layout(chain);
  const Bytes a(8, std::byte{1});
  const Bytes b(8, std::byte{2});
  const std::vector<ByteView> subchunks = {a, {}, {}, b};
  const Bytes shard = layout.assemble(subchunks);
  ASSERT_EQ(shard.size(), 16U + 68U);
  const ShardIndex index = layout.decode_index(layout.index_bytes(shard), shard.size());
  EXPECT_EQ(index[0], (ShardIndexEntry{0, 8}));
  EXPECT_TRUE(index[1].missing());
  EXPECT_TRUE(index[2].missing());
  EXPECT_EQ(index[3], (ShardIndexEntry{8, 8}));
  EXPECT_FALSE(index.all_missing());
  EXPECT_TRUE(layout.encode_index(index) == to_bytes(layout.index_bytes(shard)));
}

// --- Round trips ---

TEST(ShardingCodecTest, RoundTripsEveryDataType) {
  for (const DataType dtype : AllDataTypes()) {
    ExpectRoundTrip(Sharding({2, 3}), MakeSpec(dtype, {4, 6}));
    ExpectRoundTrip(Sharding({2, 3}, "start"), MakeSpec(dtype, {4, 6}));
  }
}

TEST(ShardingCodecTest, RoundTripsRanksAndInnerChains) {
  const nlohmann::json inner = nlohmann::json::parse(R"([
      {"name": "transpose", "configuration": {"order": [1, 2, 0]}},
      {"name": "bytes", "configuration": {"endian": "big"}}, "crc32c"])");
  ExpectRoundTrip(Sharding({2, 1, 3}, "end", inner), MakeSpec(DataType::float_(4), {4, 3, 6}));
  ExpectRoundTrip(Sharding({2, 1, 3}, "start", inner), MakeSpec(DataType::int_(8), {4, 3, 6}));
  ExpectRoundTrip(Sharding({5}), MakeSpec(DataType::uint(4), {20}));
  ExpectRoundTrip(Sharding({1, 4}), MakeSpec(DataType::uint(2), {3, 8}));  // contiguous rows
  ExpectRoundTrip(Sharding({2, 2, 1, 1}), MakeSpec(DataType::int_(2), {2, 4, 3, 2}));
  ExpectRoundTrip(Sharding({1, 1, 2, 1, 2}), MakeSpec(DataType::uint(1), {2, 1, 4, 2, 2}));
  ExpectRoundTrip(Sharding({}), MakeSpec(DataType::float_(8), {}));        // rank 0
  ExpectRoundTrip(Sharding({2, 2}), MakeSpec(DataType::uint(2), {0, 4}));  // empty shard
}

TEST(ShardingCodecTest, NestedShardingRoundTrips) {
  const nlohmann::json inner_shard = Sharding({2, 2}, "start");
  const nlohmann::json outer = Sharding({4, 4}, "end", inner_shard);
  const ChunkSpec spec = MakeSpec(DataType::uint(4), {8, 12});
  ExpectRoundTrip(outer, spec);
  const CodecChain chain = CodecChain::from_json(outer, spec);
  EXPECT_EQ(chain.to_json()[0]["configuration"]["codecs"], inner_shard);
}

TEST(ShardingCodecTest, SkipsFillSubchunksAndFillsThemBack) {
  const DataType i16 = DataType::int_(2);
  const int16_t fill = 7;
  Bytes fill_bytes(2);
  std::memcpy(fill_bytes.data(), &fill, 2);
  const ChunkSpec spec{i16, {4, 4}, FillValue::from_bytes(i16, fill_bytes)};
  const CodecChain chain = CodecChain::from_json(Sharding({2, 2}), spec);
  std::vector<int16_t> values(16, fill);
  values[0] = 1;   // subchunk (0, 0)
  values[15] = 2;  // subchunk (1, 1)
  Bytes array(32);
  std::memcpy(array.data(), values.data(), 32);
  const Bytes shard = chain.encode(array);
  EXPECT_EQ(shard.size(), 2U * 8U + 68U);
  const ShardLayout& layout = *shard_layout(chain);
  const ShardIndex index = layout.decode_index(layout.index_bytes(shard), shard.size());
  EXPECT_TRUE(index[1].missing());
  EXPECT_TRUE(index[2].missing());
  Bytes decoded(32, std::byte{0});
  chain.decode(shard, decoded);
  EXPECT_TRUE(decoded == array);

  // A shard of nothing but fill value keeps only its index, every entry missing.
  const std::vector<int16_t> all_fill(16, fill);
  std::memcpy(array.data(), all_fill.data(), 32);
  const Bytes empty_shard = chain.encode(array);
  EXPECT_EQ(empty_shard.size(), 68U);
  EXPECT_TRUE(layout.decode_index(empty_shard, empty_shard.size()).all_missing());
  chain.decode(empty_shard, decoded);
  EXPECT_TRUE(decoded == array);
}

// --- Configuration errors ---

TEST(ShardingCodecTest, RejectsBadConfigurations) {
  const ChunkSpec spec = MakeSpec(DataType::uint(2), {4, 6});
  const auto error_for = [&](const nlohmann::json& codecs) {
    return CaptureError([&] { (void)CodecChain::from_json(codecs, spec); });
  };
  Error e = error_for(Sharding({4, 4}));
  EXPECT_EQ(e.code(), ErrorCode::kInvalidMetadata);
  ExpectMessageHas(e, {"sharding_indexed", "[4, 6]", "[4, 4]", "multiple"});
  e = error_for(Sharding({2}));
  EXPECT_EQ(e.code(), ErrorCode::kInvalidMetadata);
  ExpectMessageHas(e, {"chunk_shape", "dimensions"});
  e = error_for(Sharding({0, 2}));
  ExpectMessageHas(e, {"chunk_shape", "positive"});
  nlohmann::json bad = Sharding({2, 2});
  bad[0]["configuration"]["index_location"] = "middle";
  ExpectMessageHas(error_for(bad), {"index_location", "middle"});
  bad = Sharding({2, 2});
  bad[0]["configuration"]["index_codecs"] = nlohmann::json::parse(R"([
      {"name": "bytes", "configuration": {"endian": "little"}}, {"name": "gzip"}])");
  ExpectMessageHas(error_for(bad), {"index_codecs", "fixed encoded size"});
  bad = Sharding({2, 2});
  bad[0]["configuration"]["codecs"] = nlohmann::json::parse(R"([{"name": "crc32c"}])");
  e = error_for(bad);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidMetadata);
  ExpectMessageHas(e, {"sharding_indexed: codecs", "crc32c"});
  bad = Sharding({2, 2});
  bad[0]["configuration"]["extra"] = 1;
  ExpectMessageHas(error_for(bad), {"extra"});
  bad[0]["configuration"].erase("extra");
  bad[0]["configuration"].erase("chunk_shape");
  ExpectMessageHas(error_for(bad), {"chunk_shape"});
  // A grid whose index alone would be gigabytes is refused before anything is allocated.
  e = CaptureError([] {
    (void)CodecChain::from_json(Sharding({1, 1}), MakeSpec(DataType::uint(1), {1 << 20, 1 << 20}));
  });
  EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
  ExpectMessageHas(e, {"2^27 subchunks"});
}

TEST(ShardingCodecTest, DefaultsFollowZarrPython) {
  const std::shared_ptr<const Codec> codec = make_codec(nlohmann::json::parse(
      R"({"name": "sharding_indexed", "configuration": {"chunk_shape": [2]}})"));
  EXPECT_EQ(codec->to_json(), nlohmann::json::parse(R"({"name": "sharding_indexed",
      "configuration": {"chunk_shape": [2],
        "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
        "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}},
                         {"name": "crc32c"}],
        "index_location": "end"}})"));
}

// --- Corrupt shards ---

class ShardCorruptionTest : public ::testing::Test {
 protected:
  ShardCorruptionTest()
      : spec_(MakeSpec(DataType::uint(2), {4, 4})),
        chain_(CodecChain::from_json(Sharding({2, 2}), spec_)),
        layout_(*shard_layout(chain_)),
        shard_(chain_.encode(RandomArrayBytes(spec_, 3))) {}

  // Rewrites entry `i` of the index (and its checksum, so only the entry itself is wrong).
  void SetEntry(size_t i, uint64_t offset, uint64_t nbytes) {
    const size_t index_start = shard_.size() - layout_.index_encoded_size();
    std::byte* words = shard_.data() + index_start;
    std::memcpy(words + i * 16, &offset, 8);
    std::memcpy(words + i * 16 + 8, &nbytes, 8);
    const uint32_t crc = codecs::crc32c(ByteView(words, 64));
    std::memcpy(words + 64, &crc, 4);
  }

  Error DecodeError() {
    return CaptureError([&] {
      Bytes out(spec_.num_bytes());
      chain_.decode(shard_, out);
    });
  }

  ChunkSpec spec_;
  CodecChain chain_;
  const ShardLayout& layout_;
  Bytes shard_;
};

TEST_F(ShardCorruptionTest, EntryPastTheEnd) {
  SetEntry(2, 8, 1000);
  const Error e = DecodeError();
  EXPECT_EQ(e.code(), ErrorCode::kCorruptData);
  ExpectMessageHas(e, {"index entry 2", "subchunk [1, 0]", "offset 8", "nbytes 1000",
                       "past the end", std::to_string(shard_.size()).c_str()});
}

TEST_F(ShardCorruptionTest, EntryInsideTheIndex) {
  const uint64_t index_start = shard_.size() - layout_.index_encoded_size();
  SetEntry(2, index_start - 4, 8);  // the last 4 bytes before the index, the first 4 of it
  const Error e = DecodeError();
  EXPECT_EQ(e.code(), ErrorCode::kCorruptData);
  ExpectMessageHas(e, {"index entry 2", "subchunk [1, 0]", "inside the shard's own index",
                       std::to_string(index_start).c_str()});
  // Where the shard's size is not known yet, an index at the end has no known place.
  const ShardIndex index = layout_.decode_index(layout_.index_bytes(shard_), UINT64_MAX);
  EXPECT_EQ(index[2].offset, index_start - 4);
}

TEST_F(ShardCorruptionTest, OffsetPlusLengthOverflows) {
  SetEntry(1, 16, ~uint64_t{0} - 8);
  const Error e = DecodeError();
  EXPECT_EQ(e.code(), ErrorCode::kCorruptData);
  ExpectMessageHas(e, {"index entry 1", "overflows"});
}

TEST_F(ShardCorruptionTest, HalfEmptyEntry) {
  SetEntry(3, ~uint64_t{0}, 8);
  const Error e = DecodeError();
  EXPECT_EQ(e.code(), ErrorCode::kCorruptData);
  ExpectMessageHas(e, {"index entry 3", "2^64-1", "missing"});
}

TEST_F(ShardCorruptionTest, IndexShorterThanDeclared) {
  const ByteView truncated = ByteView(shard_).first(40);
  const Error e = CaptureError([&] {
    Bytes out(spec_.num_bytes());
    chain_.decode(truncated, out);
  });
  EXPECT_EQ(e.code(), ErrorCode::kCorruptData);
  ExpectMessageHas(e, {"40 bytes", "68-byte index"});
  const Error direct = CaptureError([&] { (void)layout_.decode_index(truncated, 1000); });
  ExpectMessageHas(direct, {"index has 40 bytes, expected 68"});
}

TEST_F(ShardCorruptionTest, IndexChecksumMismatch) {
  shard_[shard_.size() - 10] ^= std::byte{0x40};
  const Error e = DecodeError();
  EXPECT_EQ(e.code(), ErrorCode::kChecksumMismatch);
  ExpectMessageHas(e, {"shard index", "crc32c"});
}

TEST_F(ShardCorruptionTest, TruncatedSubchunk) {
  SetEntry(0, 0, 6);  // the subchunk holds 8 bytes
  const Error e = DecodeError();
  EXPECT_EQ(e.code(), ErrorCode::kCorruptData);
  ExpectMessageHas(e, {"subchunk [0, 0]", "bytes", "6", "8"});
}

}  // namespace
}  // namespace zarrphase

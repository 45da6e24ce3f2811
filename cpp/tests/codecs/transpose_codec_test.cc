#include "codecs/transpose_codec.h"

#include <gtest/gtest.h>

#include <cstring>

#include "support/round_trip.h"
#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

using ::zarrphase::testing::AllDataTypes;
using ::zarrphase::testing::ExpectRoundTrip;
using ::zarrphase::testing::MakeSpec;

nlohmann::json TransposeChain(std::vector<size_t> order, const char* endian = "little") {
  return nlohmann::json::array({{{"name", "transpose"}, {"configuration", {{"order", order}}}},
                                {{"name", "bytes"}, {"configuration", {{"endian", endian}}}}});
}

TEST(TransposeCodecTest, EncodedDimensionIIsDecodedDimensionOrderI) {
  // Decoded D has shape (2, 3, 4) and D[a, b, c] = 100a + 10b + c; with order [1, 2, 0] the
  // encoded E has shape (3, 4, 2) and E[i, j, k] = D[k, i, j] (numpy.transpose(D, order)).
  const ChunkSpec spec = MakeSpec(DataType::uint(2), {2, 3, 4});
  Bytes decoded(spec.num_bytes());
  for (uint16_t a = 0; a < 2; ++a) {
    for (uint16_t b = 0; b < 3; ++b) {
      for (uint16_t c = 0; c < 4; ++c) {
        const uint16_t v = static_cast<uint16_t>(100 * a + 10 * b + c);
        std::memcpy(decoded.data() + ((a * 3 + b) * 4 + c) * 2, &v, 2);
      }
    }
  }
  const CodecChain chain = CodecChain::from_json(TransposeChain({1, 2, 0}), spec);
  EXPECT_EQ(chain.array_to_bytes_spec().shape, (std::vector<uint64_t>{3, 4, 2}));
  const Bytes encoded = chain.encode(decoded);
  for (uint16_t i = 0; i < 3; ++i) {
    for (uint16_t j = 0; j < 4; ++j) {
      for (uint16_t k = 0; k < 2; ++k) {
        uint16_t v;
        std::memcpy(&v, encoded.data() + ((i * 4 + j) * 2 + k) * 2, 2);
        EXPECT_EQ(v, 100 * k + 10 * i + j) << i << "," << j << "," << k;
      }
    }
  }
  Bytes round_tripped(decoded.size());
  chain.decode(encoded, round_tripped);
  EXPECT_TRUE(round_tripped == decoded);
}

TEST(TransposeCodecTest, RoundTripsPermutationsShapesAndTypes) {
  const std::vector<std::pair<std::vector<uint64_t>, std::vector<size_t>>> cases = {
      {{}, {}},
      {{5}, {0}},
      {{3, 4}, {1, 0}},
      {{2, 3, 4}, {1, 2, 0}},
      {{2, 3, 4}, {2, 0, 1}},
      {{2, 0, 4}, {2, 1, 0}},
      {{2, 3, 1, 5}, {3, 2, 0, 1}},
      {{2, 3, 2, 3, 2}, {4, 0, 3, 1, 2}},
  };
  for (const DataType dtype : AllDataTypes()) {
    for (const auto& [shape, order] : cases) {
      for (const char* endian : {"little", "big"}) {
        ExpectRoundTrip(TransposeChain(order, endian), MakeSpec(dtype, shape));
      }
    }
  }
}

TEST(TransposeCodecTest, ChainsOfTransposesCompose) {
  const nlohmann::json codecs = nlohmann::json::parse(R"([
      {"name": "transpose", "configuration": {"order": [1, 2, 0]}},
      {"name": "transpose", "configuration": {"order": [2, 0, 1]}},
      {"name": "transpose", "configuration": {"order": [0, 2, 1]}},
      {"name": "bytes", "configuration": {"endian": "little"}}])");
  const ChunkSpec spec = MakeSpec(DataType::int_(4), {2, 3, 5});
  ExpectRoundTrip(codecs, spec);
  EXPECT_EQ(CodecChain::from_json(codecs, spec).array_to_bytes_spec().shape,
            (std::vector<uint64_t>{2, 5, 3}));
}

TEST(TransposeCodecTest, RejectsOrdersThatAreNotPermutations) {
  const ChunkSpec spec = MakeSpec(DataType::uint(1), {2, 3, 4});
  for (const auto& order_json :
       {R"([0, 1])", R"([0, 1, 1])", R"([0, 1, 3])", R"([0, -1, 2])", R"("C")", R"([0, 1.5, 2])"}) {
    const nlohmann::json codecs = nlohmann::json::array(
        {{{"name", "transpose"}, {"configuration", {{"order", nlohmann::json::parse(order_json)}}}},
         {{"name", "bytes"}}});
    try {
      (void)CodecChain::from_json(codecs, spec);
      FAIL() << "accepted order " << order_json;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidMetadata);
      EXPECT_NE(e.message().find("transpose"), std::string::npos) << e.message();
    }
  }
  EXPECT_THROW(make_codec(nlohmann::json::parse(R"({"name": "transpose"})")), Error);
}

TEST(TransposeCodecTest, ToJsonMatchesZarrPython) {
  const nlohmann::json codec =
      nlohmann::json::parse(R"({"name": "transpose", "configuration": {"order": [1, 2, 0]}})");
  EXPECT_EQ(make_codec(codec)->to_json(), codec);
}

}  // namespace
}  // namespace zarrphase::codecs

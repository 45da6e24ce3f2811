#include <gtest/gtest.h>

#include "support/round_trip.h"
#include "zarrphase/codec.h"
#include "zarrphase/error.h"

namespace zarrphase {
namespace {

using ::zarrphase::testing::ExpectRoundTrip;
using ::zarrphase::testing::MakeSpec;

// The error code and message of building `codecs_text` for a small uint16 chunk.
Error ChainError(const char* codecs_text) {
  try {
    (void)CodecChain::from_json(nlohmann::json::parse(codecs_text),
                                MakeSpec(DataType::uint(2), {4, 4}));
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "chain accepted: " << codecs_text;
  return Error(ErrorCode::kInvalidArgument, "");
}

void ExpectMessageHas(const Error& e, std::initializer_list<const char*> parts) {
  for (const char* part : parts) {
    EXPECT_NE(e.message().find(part), std::string::npos) << e.message() << " lacks " << part;
  }
}

TEST(ChunkSpecTest, SizesAndOverflow) {
  EXPECT_EQ(MakeSpec(DataType::uint(2), {}).num_elements(), 1U);
  EXPECT_EQ(MakeSpec(DataType::uint(2), {}).num_bytes(), 2U);
  EXPECT_EQ(MakeSpec(DataType::complex(16), {3, 5}).num_bytes(), 240U);
  EXPECT_EQ(MakeSpec(DataType::uint(8), {0, ~uint64_t{0}, ~uint64_t{0}}).num_bytes(), 0U);
  EXPECT_THROW(MakeSpec(DataType::uint(1), {1ULL << 32, 1ULL << 32}).num_elements(), Error);
  EXPECT_THROW(MakeSpec(DataType::uint(8), {1ULL << 62}).num_bytes(), Error);
}

TEST(CodecChainTest, RejectsChainWithoutArrayToBytesCodec) {
  const Error e = ChainError(R"([{"name": "crc32c"}])");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidMetadata);
  ExpectMessageHas(e, {"codec #0", "crc32c", "after an array -> bytes"});
  const Error empty = ChainError("[]");
  EXPECT_EQ(empty.code(), ErrorCode::kInvalidMetadata);
  ExpectMessageHas(empty, {"no array -> bytes"});
}

TEST(CodecChainTest, RejectsTwoArrayToBytesCodecs) {
  const Error e = ChainError(
      R"([{"name": "bytes", "configuration": {"endian": "little"}},
          {"name": "bytes", "configuration": {"endian": "big"}}])");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidMetadata);
  ExpectMessageHas(e, {"codec #1", "\"bytes\"", "#0"});
}

TEST(CodecChainTest, RejectsArrayToArrayAfterArrayToBytes) {
  const Error e = ChainError(
      R"([{"name": "bytes", "configuration": {"endian": "little"}},
          {"name": "transpose", "configuration": {"order": [1, 0]}}])");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidMetadata);
  ExpectMessageHas(e, {"codec #1", "transpose", "before the array -> bytes"});
}

TEST(CodecChainTest, RejectsMalformedAndUnknownCodecs) {
  EXPECT_EQ(ChainError(R"({"name": "bytes"})").code(), ErrorCode::kInvalidMetadata);
  EXPECT_EQ(ChainError(R"([42])").code(), ErrorCode::kInvalidMetadata);
  const Error unknown = ChainError(R"([{"name": "bytes", "configuration": {"endian": "little"}},
                                       {"name": "no-such-codec"}])");
  EXPECT_EQ(unknown.code(), ErrorCode::kUnsupported);
  ExpectMessageHas(unknown, {"no-such-codec"});
}

TEST(CodecChainTest, SizesOfFixedChains) {
  const ChunkSpec spec = MakeSpec(DataType::float_(4), {3, 5});
  const CodecChain chain = CodecChain::from_json(nlohmann::json::parse(R"([
      {"name": "transpose", "configuration": {"order": [1, 0]}},
      {"name": "bytes", "configuration": {"endian": "big"}},
      "crc32c", {"name": "crc32c"}])"),
                                                 spec);
  EXPECT_EQ(chain.encoded_size(), 3U * 5U * 4U + 8U);
  EXPECT_EQ(chain.max_encoded_size(), 3U * 5U * 4U + 8U);
  EXPECT_EQ(chain.array_to_array().size(), 1U);
  EXPECT_EQ(chain.bytes_to_bytes().size(), 2U);
  EXPECT_EQ(chain.decoded_spec().shape, (std::vector<uint64_t>{3, 5}));
  EXPECT_EQ(chain.array_to_bytes_spec().shape, (std::vector<uint64_t>{5, 3}));
  EXPECT_EQ(chain.to_json(), nlohmann::json::parse(R"([
      {"name": "transpose", "configuration": {"order": [1, 0]}},
      {"name": "bytes", "configuration": {"endian": "big"}},
      {"name": "crc32c"}, {"name": "crc32c"}])"));
}

TEST(CodecChainTest, RoundTripsOddShapesThroughLongChains) {
  const nlohmann::json codecs = nlohmann::json::parse(R"([
      {"name": "transpose", "configuration": {"order": [2, 0, 1]}},
      {"name": "transpose", "configuration": {"order": [1, 0, 2]}},
      {"name": "bytes", "configuration": {"endian": "big"}},
      {"name": "crc32c"}, {"name": "crc32c"}])");
  for (const auto& shape :
       std::vector<std::vector<uint64_t>>{{1, 1, 1}, {3, 1, 7}, {0, 2, 2}, {5, 4, 3}}) {
    ExpectRoundTrip(codecs, MakeSpec(DataType::complex(8), shape));
    ExpectRoundTrip(codecs, MakeSpec(DataType::raw_bits(3), shape));
  }
  // Rank 0: a single element.
  ExpectRoundTrip(nlohmann::json::parse(R"([{"name": "bytes", "configuration": {"endian": "big"}},
                                             "crc32c"])"),
                  MakeSpec(DataType::float_(8), {}));
}

TEST(CodecChainTest, RejectsWrongSizedBuffers) {
  const ChunkSpec spec = MakeSpec(DataType::uint(2), {4});
  const CodecChain chain = CodecChain::from_json(
      nlohmann::json::parse(R"([{"name": "bytes", "configuration": {"endian": "little"}}])"), spec);
  const Bytes too_small(6);
  EXPECT_THROW((void)chain.encode(too_small), Error);
  Bytes out(6);
  EXPECT_THROW(chain.decode(Bytes(8), out), Error);
}

}  // namespace
}  // namespace zarrphase

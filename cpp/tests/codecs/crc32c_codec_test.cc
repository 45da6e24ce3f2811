#include "codecs/crc32c_codec.h"

#include <gtest/gtest.h>

#include "support/round_trip.h"
#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

using ::zarrphase::testing::ExpectRoundTrip;
using ::zarrphase::testing::MakeSpec;

const nlohmann::json kBytesCrc = nlohmann::json::parse(
    R"([{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"}])");

TEST(Crc32cTest, StandardCheckValue) {
  EXPECT_EQ(crc32c(as_bytes("123456789")), 0xE3069283U);
  EXPECT_EQ(crc32c({}), 0U);
}

TEST(Crc32cCodecTest, AppendsLittleEndianChecksum) {
  Crc32cCodec codec;
  Bytes out;
  codec.encode(as_bytes("123456789"), out);
  ASSERT_EQ(out.size(), 13U);
  EXPECT_EQ(as_string_view(ByteView(out).first(9)), "123456789");
  EXPECT_EQ(out[9], std::byte{0x83});
  EXPECT_EQ(out[10], std::byte{0x92});
  EXPECT_EQ(out[11], std::byte{0x06});
  EXPECT_EQ(out[12], std::byte{0xE3});
  EXPECT_EQ(codec.encoded_size(9), 13U);
}

TEST(Crc32cCodecTest, DecodeViewIsThePrefixWithoutCopy) {
  Crc32cCodec codec;
  Bytes encoded;
  codec.encode(as_bytes("abc"), encoded);
  const std::optional<ByteView> view = codec.decode_view(encoded);
  ASSERT_TRUE(view.has_value());
  EXPECT_EQ(view->data(), encoded.data());
  EXPECT_EQ(view->size(), 3U);
}

TEST(Crc32cCodecTest, MismatchNamesBothChecksums) {
  Crc32cCodec codec;
  Bytes encoded;
  codec.encode(as_bytes("123456789"), encoded);
  encoded[0] = std::byte{'0'};
  try {
    Bytes out;
    codec.decode(encoded, 100, out);
    FAIL() << "expected a checksum mismatch";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kChecksumMismatch);
    EXPECT_NE(e.message().find("crc32c"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("0xE3069283"), std::string::npos) << e.message();
  }
}

TEST(Crc32cCodecTest, InputShorterThanChecksumIsCorrupt) {
  Crc32cCodec codec;
  const Bytes short_input(3, std::byte{0});
  try {
    (void)codec.decode_view(short_input);
    FAIL() << "expected corrupt data";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCorruptData);
    EXPECT_NE(e.message().find("crc32c"), std::string::npos);
  }
}

TEST(Crc32cCodecTest, DecodeRespectsBound) {
  Crc32cCodec codec;
  Bytes encoded;
  codec.encode(as_bytes("0123456789"), encoded);
  Bytes out;
  EXPECT_THROW(codec.decode(encoded, 9, out), Error);
  Bytes exact(10);
  codec.decode_into(encoded, exact);
  EXPECT_EQ(as_string_view(exact), "0123456789");
  Bytes wrong(9);
  EXPECT_THROW(codec.decode_into(encoded, wrong), Error);
}

TEST(Crc32cCodecTest, RejectsConfiguration) {
  EXPECT_THROW(
      make_codec(nlohmann::json::parse(R"({"name": "crc32c", "configuration": {"x": 1}})")), Error);
  EXPECT_EQ(make_codec("crc32c")->to_json(), nlohmann::json::parse(R"({"name": "crc32c"})"));
}

TEST(Crc32cCodecTest, ChainRoundTripAndCorruption) {
  const ChunkSpec spec = MakeSpec(DataType::float_(4), {5, 7});
  const Bytes encoded = ExpectRoundTrip(kBytesCrc, spec);
  EXPECT_EQ(encoded.size(), 5U * 7U * 4U + 4U);
  const CodecChain chain = CodecChain::from_json(kBytesCrc, spec);
  Bytes corrupted = encoded;
  corrupted[encoded.size() - 1] ^= std::byte{1};
  Bytes out(spec.num_bytes());
  try {
    chain.decode(corrupted, out);
    FAIL() << "expected a checksum mismatch";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kChecksumMismatch);
  }
}

}  // namespace
}  // namespace zarrphase::codecs

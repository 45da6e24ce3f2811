#include "codecs/bytes_codec.h"

#include <gtest/gtest.h>

#include <cstring>

#include "support/round_trip.h"
#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

using ::zarrphase::testing::AllDataTypes;
using ::zarrphase::testing::ExpectRoundTrip;
using ::zarrphase::testing::MakeSpec;

nlohmann::json BytesChain(const char* endian) {
  return nlohmann::json::array({{{"name", "bytes"}, {"configuration", {{"endian", endian}}}}});
}

template <typename T>
Bytes NativeBytes(std::initializer_list<T> values) {
  Bytes out(values.size() * sizeof(T));
  std::memcpy(out.data(), std::data(values), out.size());
  return out;
}

Bytes Hex(std::initializer_list<int> values) {
  Bytes out;
  for (const int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

TEST(BytesCodecTest, RoundTripsEveryDataTypeInBothByteOrders) {
  for (const DataType dtype : AllDataTypes()) {
    for (const char* endian : {"little", "big"}) {
      for (const auto& shape : std::vector<std::vector<uint64_t>>{
               {}, {0}, {7}, {3, 5}, {2, 0, 3}, {2, 3, 1, 2}, {1, 2, 3, 2, 2}}) {
        const Bytes encoded = ExpectRoundTrip(BytesChain(endian), MakeSpec(dtype, shape));
        EXPECT_EQ(encoded.size(), MakeSpec(dtype, shape).num_bytes());
      }
    }
  }
}

TEST(BytesCodecTest, BigEndianBytesAreSwapped) {
  struct Case {
    DataType dtype;
    Bytes native;
    Bytes big;
  };
  const std::vector<Case> cases = {
      {DataType::uint(2), NativeBytes<uint16_t>({0x0102, 0xA0B0}), Hex({1, 2, 0xA0, 0xB0})},
      {DataType::int_(4), NativeBytes<int32_t>({-2}), Hex({0xFF, 0xFF, 0xFF, 0xFE})},
      {DataType::float_(8), NativeBytes<double>({1.0}), Hex({0x3F, 0xF0, 0, 0, 0, 0, 0, 0})},
      // complex64 swaps each float32 component, not the whole 8 bytes.
      {DataType::complex(8), NativeBytes<float>({1.0F, -2.0F}),
       Hex({0x3F, 0x80, 0, 0, 0xC0, 0, 0, 0})},
      // Raw bits have no byte order.
      {DataType::raw_bits(3), Hex({1, 2, 3}), Hex({1, 2, 3})},
  };
  static_assert(std::endian::native == std::endian::little, "expectations assume little-endian");
  for (const Case& c : cases) {
    SCOPED_TRACE(c.dtype.name());
    const uint64_t count = c.native.size() / c.dtype.size();
    const ChunkSpec spec = MakeSpec(c.dtype, {count});
    const char* endian = c.dtype.has_endianness() ? "big" : "little";
    const CodecChain chain = CodecChain::from_json(BytesChain(endian), spec);
    const Bytes encoded = chain.encode(c.native);
    EXPECT_TRUE(encoded == c.big);
    Bytes decoded(c.native.size());
    chain.decode(encoded, decoded);
    EXPECT_TRUE(decoded == c.native);
    // Little endian is the identity on this machine.
    EXPECT_TRUE(CodecChain::from_json(BytesChain("little"), spec).encode(c.native) == c.native);
  }
}

TEST(BytesCodecTest, EndianRequiredOnlyForMultiByteTypes) {
  const nlohmann::json no_endian = nlohmann::json::parse(R"([{"name": "bytes"}])");
  try {
    (void)CodecChain::from_json(no_endian, MakeSpec(DataType::int_(2), {4}));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidMetadata);
    EXPECT_NE(e.message().find("endian"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("int16"), std::string::npos) << e.message();
  }
  for (const DataType dtype : {DataType::uint(1), DataType::boolean(), DataType::raw_bits(3)}) {
    const CodecChain chain = CodecChain::from_json(no_endian, MakeSpec(dtype, {4}));
    EXPECT_EQ(chain.to_json(), no_endian);
    // zarr-python drops an endian given for a type without byte order.
    EXPECT_EQ(CodecChain::from_json(BytesChain("big"), MakeSpec(dtype, {4})).to_json(), no_endian);
  }
  EXPECT_EQ(CodecChain::from_json(BytesChain("big"), MakeSpec(DataType::uint(4), {4})).to_json(),
            BytesChain("big"));
}

TEST(BytesCodecTest, RejectsBadConfiguration) {
  for (const char* text : {R"({"name": "bytes", "configuration": {"endian": "middle"}})",
                           R"({"name": "bytes", "configuration": {"endian": 1}})",
                           R"({"name": "bytes", "configuration": {"order": "C"}})"}) {
    try {
      (void)make_codec(nlohmann::json::parse(text));
      FAIL() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidMetadata);
      EXPECT_NE(e.message().find("bytes"), std::string::npos) << e.message();
    }
  }
}

TEST(BytesCodecTest, WrongSizeInputIsCorruptNamingBothSizes) {
  const CodecChain chain =
      CodecChain::from_json(BytesChain("little"), MakeSpec(DataType::uint(2), {3, 3}));
  const Bytes truncated(17);
  Bytes out(18);
  try {
    chain.decode(truncated, out);
    FAIL() << "expected corrupt data";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCorruptData);
    EXPECT_NE(e.message().find("bytes"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("17"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("18"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace zarrphase::codecs

#include "zarrphase/fill_value.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "format/float_bits.h"
#include "support/expect_error.h"

namespace zarrphase {
namespace {

using nlohmann::json;
using testing::ExpectError;

template <typename T>
T as(const FillValue& fill) {
  T value{};
  EXPECT_EQ(fill.bytes().size(), sizeof(T));
  std::memcpy(&value, fill.bytes().data(), sizeof(T));
  return value;
}

// Parse -> write -> parse must be the identity on the element bytes, and the written JSON must
// equal `written` (what zarr-python writes for the same value).
void ExpectRoundTrip(const json& input, DataType dtype, const json& written) {
  SCOPED_TRACE(input.dump() + " as " + dtype.name());
  const FillValue fill = FillValue::from_json(input, dtype);
  const json out = fill.to_json(dtype);
  EXPECT_EQ(out.dump(), written.dump());
  EXPECT_EQ(FillValue::from_json(out, dtype), fill);
}

TEST(FillValueTest, IntegersAreExactOverTheWholeRange) {
  const json int64_min = std::numeric_limits<int64_t>::min();
  const json uint64_max = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(as<int64_t>(FillValue::from_json(int64_min, DataType::int_(8))),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(as<uint64_t>(FillValue::from_json(uint64_max, DataType::uint(8))),
            std::numeric_limits<uint64_t>::max());
  // 2^53 + 1 is not a double; it must survive.
  EXPECT_EQ(as<int64_t>(FillValue::from_json(json(9007199254740993), DataType::int_(8))),
            9007199254740993);
  ExpectRoundTrip(int64_min, DataType::int_(8), int64_min);
  ExpectRoundTrip(uint64_max, DataType::uint(8), uint64_max);
  ExpectRoundTrip(json(-128), DataType::int_(1), json(-128));
  ExpectRoundTrip(json(65535), DataType::uint(2), json(65535));
  ExpectRoundTrip(json(-2147483648), DataType::int_(4), json(-2147483648));
  EXPECT_TRUE(FillValue::from_json(json(-2147483648), DataType::int_(4))
                  .to_json(DataType::int_(4))
                  .is_number_integer());
}

TEST(FillValueTest, IntegersAreRangeChecked) {
  ExpectError([] { FillValue::from_json(json(128), DataType::int_(1)); },
              ErrorCode::kInvalidMetadata, {"fill_value", "128", "int8", "out of range"});
  ExpectError([] { FillValue::from_json(json(-129), DataType::int_(1)); },
              ErrorCode::kInvalidMetadata, {"-129", "int8"});
  ExpectError([] { FillValue::from_json(json(-1), DataType::uint(8)); },
              ErrorCode::kInvalidMetadata, {"-1", "uint64"});
  ExpectError(
      [] { FillValue::from_json(json(std::numeric_limits<uint64_t>::max()), DataType::int_(8)); },
      ErrorCode::kInvalidMetadata, {"18446744073709551615", "int64"});
  ExpectError([] { FillValue::from_json(json(65536), DataType::uint(2)); },
              ErrorCode::kInvalidMetadata, {"65536", "uint16"});
  ExpectError([] { FillValue::from_json(json(2.5), DataType::int_(4)); },
              ErrorCode::kInvalidMetadata, {"2.5", "integer"});
  ExpectError([] { FillValue::from_json(json("0x01"), DataType::int_(4)); },
              ErrorCode::kInvalidMetadata, {"0x01", "int32"});
  ExpectError([] { FillValue::from_json(json(1.8446744073709552e19), DataType::uint(8)); },
              ErrorCode::kInvalidMetadata, {"uint64", "out of range"});
}

TEST(FillValueTest, IntegralFloatsAreAcceptedForIntegersAsZarrPythonDoes) {
  EXPECT_EQ(as<int8_t>(FillValue::from_json(json(1.0), DataType::int_(1))), 1);
  EXPECT_EQ(as<int64_t>(FillValue::from_json(json(1e10), DataType::int_(8))), 10000000000);
  EXPECT_EQ(as<int64_t>(FillValue::from_json(json(-9.223372036854775808e18), DataType::int_(8))),
            std::numeric_limits<int64_t>::min());
}

TEST(FillValueTest, FloatSpecialValuesAndSignedZero) {
  ExpectRoundTrip(json("NaN"), DataType::float_(8), json("NaN"));
  ExpectRoundTrip(json("NaN"), DataType::float_(4), json("NaN"));
  ExpectRoundTrip(json("NaN"), DataType::float_(2), json("NaN"));
  ExpectRoundTrip(json("Infinity"), DataType::float_(8), json("Infinity"));
  ExpectRoundTrip(json("-Infinity"), DataType::float_(4), json("-Infinity"));
  ExpectRoundTrip(json("-Infinity"), DataType::float_(2), json("-Infinity"));
  ExpectRoundTrip(json(-0.0), DataType::float_(8), json(-0.0));
  ExpectRoundTrip(json(-0.0), DataType::float_(2), json(-0.0));
  EXPECT_EQ(
      std::bit_cast<uint64_t>(as<double>(FillValue::from_json(json(-0.0), DataType::float_(8)))),
      uint64_t{1} << 63);
  EXPECT_EQ(as<uint64_t>(FillValue::from_json(json("NaN"), DataType::float_(8))),
            0x7ff8000000000000u);
  EXPECT_EQ(as<uint32_t>(FillValue::from_json(json("NaN"), DataType::float_(4))), 0x7fc00000u);
  EXPECT_EQ(as<uint16_t>(FillValue::from_json(json("NaN"), DataType::float_(2))), 0x7e00u);
}

TEST(FillValueTest, FloatNumbersAreWrittenAsZarrPythonWritesThem) {
  ExpectRoundTrip(json(1e300), DataType::float_(8), json(1e300));
  ExpectRoundTrip(json(3), DataType::float_(8), json(3.0));
  // zarr-python writes float32 and float16 values as the double they are exactly.
  ExpectRoundTrip(json(0.1), DataType::float_(4), json(0.10000000149011612));
  ExpectRoundTrip(json(0.1), DataType::float_(2), json(0.0999755859375));
  ExpectRoundTrip(json(65504), DataType::float_(2), json(65504.0));
  ExpectRoundTrip(json(5.960464477539063e-08), DataType::float_(2), json(5.960464477539063e-08));
  // numpy overflows to infinity rather than failing.
  ExpectRoundTrip(json(1e300), DataType::float_(4), json("Infinity"));
  ExpectRoundTrip(json(70000), DataType::float_(2), json("Infinity"));
}

TEST(FillValueTest, HexBitPatternsAreMostSignificantByteFirst) {
  EXPECT_EQ(as<double>(FillValue::from_json(json("0x3ff0000000000000"), DataType::float_(8))), 1.0);
  EXPECT_EQ(as<float>(FillValue::from_json(json("0x3F800000"), DataType::float_(4))), 1.0f);
  EXPECT_EQ(as<uint16_t>(FillValue::from_json(json("0x3c00"), DataType::float_(2))), 0x3c00u);
  // A finite pattern is written as its number, as zarr-python does.
  ExpectRoundTrip(json("0x3c00"), DataType::float_(2), json(1.0));
  // Non-canonical NaNs keep their payload and sign through the hex form.
  ExpectRoundTrip(json("0x7ff8000000000001"), DataType::float_(8), json("0x7ff8000000000001"));
  ExpectRoundTrip(json("0xfff8000000000000"), DataType::float_(8), json("0xfff8000000000000"));
  ExpectRoundTrip(json("0x7fc00001"), DataType::float_(4), json("0x7fc00001"));
  ExpectRoundTrip(json("0x7e01"), DataType::float_(2), json("0x7e01"));
  ExpectRoundTrip(json("0x7ff8000000000000"), DataType::float_(8), json("NaN"));
}

TEST(FillValueTest, MalformedFloatFillValues) {
  ExpectError([] { FillValue::from_json(json("0x3ff00000"), DataType::float_(8)); },
              ErrorCode::kInvalidMetadata, {"0x3ff00000", "float64", "16 digits"});
  ExpectError([] { FillValue::from_json(json("0x3g00"), DataType::float_(2)); },
              ErrorCode::kInvalidMetadata, {"0x3g00", "hex"});
  ExpectError([] { FillValue::from_json(json("nan"), DataType::float_(8)); },
              ErrorCode::kInvalidMetadata, {"\"nan\"", "float64"});
  ExpectError([] { FillValue::from_json(json(true), DataType::float_(4)); },
              ErrorCode::kInvalidMetadata, {"true", "float32"});
  ExpectError([] { FillValue::from_json(json(nullptr), DataType::float_(4)); },
              ErrorCode::kInvalidMetadata, {"fill_value", "null"});
}

TEST(FillValueTest, ComplexIsAPairOfFloats) {
  ExpectRoundTrip(json::array({"NaN", -0.0}), DataType::complex(8), json::array({"NaN", -0.0}));
  ExpectRoundTrip(json::array({1.5, "-Infinity"}), DataType::complex(16),
                  json::array({1.5, "-Infinity"}));
  ExpectRoundTrip(json::array({"0x3f800000", 2}), DataType::complex(8), json::array({1.0, 2.0}));
  const FillValue fill = FillValue::from_json(json::array({1.0, 2.0}), DataType::complex(16));
  double parts[2];
  std::memcpy(parts, fill.bytes().data(), sizeof(parts));
  EXPECT_EQ(parts[0], 1.0);
  EXPECT_EQ(parts[1], 2.0);
  ExpectError([] { FillValue::from_json(json(1.0), DataType::complex(8)); },
              ErrorCode::kInvalidMetadata, {"complex64", "[real, imaginary]"});
  ExpectError(
      [] {
        FillValue::from_json(json::array({1, 2, 3}), DataType::complex(8));
      },
      ErrorCode::kInvalidMetadata, {"[1,2,3]"});
  ExpectError(
      [] {
        FillValue::from_json(json::array({"0x3ff0000000000000", 0}), DataType::complex(8));
      },
      ErrorCode::kInvalidMetadata, {"8 digits"});
}

TEST(FillValueTest, Bool) {
  ExpectRoundTrip(json(true), DataType::boolean(), json(true));
  ExpectRoundTrip(json(false), DataType::boolean(), json(false));
  ExpectRoundTrip(json(1), DataType::boolean(), json(true));  // zarr-python reads 0 / 1
  ExpectError([] { FillValue::from_json(json(2), DataType::boolean()); },
              ErrorCode::kInvalidMetadata, {"2", "bool"});
  ExpectError([] { FillValue::from_json(json("true"), DataType::boolean()); },
              ErrorCode::kInvalidMetadata, {"bool"});
}

TEST(FillValueTest, RawBitsAsBase64AndAsByteArrays) {
  const DataType r24 = DataType::raw_bits(3);
  ExpectRoundTrip(json("YWJj"), r24, json("YWJj"));
  ExpectRoundTrip(json::array({97, 98, 99}), r24, json("YWJj"));
  ExpectRoundTrip(json("AAE="), DataType::raw_bits(2), json("AAE="));
  ExpectRoundTrip(json("AA=="), DataType::raw_bits(1), json("AA=="));
  EXPECT_EQ(FillValue::from_json(json("YWJj"), r24).bytes()[2], std::byte{'c'});
  ExpectError([&] { FillValue::from_json(json("YWJjZA=="), r24); }, ErrorCode::kInvalidMetadata,
              {"r24", "4 bytes"});
  ExpectError([&] { FillValue::from_json(json("YW?j"), r24); }, ErrorCode::kInvalidMetadata,
              {"base64"});
  ExpectError([&] { FillValue::from_json(json("AB=="), DataType::raw_bits(1)); },
              ErrorCode::kInvalidMetadata, {"base64"});
  ExpectError(
      [&] {
        FillValue::from_json(json::array({1, 256, 3}), r24);
      },
      ErrorCode::kInvalidMetadata, {"[0, 255]"});
  ExpectError(
      [&] {
        FillValue::from_json(json::array({1, 2}), r24);
      },
      ErrorCode::kInvalidMetadata, {"3 byte values"});
}

TEST(FillValueTest, V2NullMeansZeros) {
  for (const DataType dtype : {DataType::float_(8), DataType::int_(4), DataType::raw_bits(5),
                               DataType::complex(16), DataType::boolean()}) {
    const FillValue fill = FillValue::from_v2_json(json(nullptr), dtype);
    EXPECT_EQ(fill, FillValue::zero(dtype));
    EXPECT_TRUE(fill.is_zero());
    EXPECT_EQ(fill.bytes().size(), dtype.size());
  }
  EXPECT_EQ(as<uint64_t>(FillValue::from_v2_json(json("NaN"), DataType::float_(8))),
            0x7ff8000000000000u);
  EXPECT_EQ(
      FillValue::from_v2_json(json("YWJj"), DataType::raw_bits(3)).to_json(DataType::raw_bits(3)),
      json("YWJj"));
}

TEST(FillValueTest, ZeroAndFromBytes) {
  EXPECT_FALSE(FillValue::from_json(json(-0.0), DataType::float_(8)).is_zero());
  EXPECT_TRUE(FillValue::from_json(json(0), DataType::uint(2)).is_zero());
  const std::byte two[] = {std::byte{1}, std::byte{2}};
  EXPECT_EQ(as<uint16_t>(FillValue::from_bytes(DataType::uint(2), two)),
            uint16_t{1} | uint16_t{2} << 8);
  ExpectError([&] { FillValue::from_bytes(DataType::uint(4), two); }, ErrorCode::kInvalidArgument,
              {"uint32", "4 bytes"});
}

TEST(FloatBitsTest, HalfConversionIsExactForEveryHalf) {
  for (uint32_t bits = 0; bits <= 0xffff; ++bits) {
    const auto half = static_cast<uint16_t>(bits);
    const double value = format::half_bits_to_double(half);
    EXPECT_EQ(format::double_to_half_bits(value), half) << std::hex << bits;
  }
}

TEST(FloatBitsTest, HalfRoundsToNearestEven) {
  // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): ties go to even (1.0).
  EXPECT_EQ(format::double_to_half_bits(1.0 + std::ldexp(1.0, -11)), 0x3c00u);
  EXPECT_EQ(format::double_to_half_bits(1.0 + 3 * std::ldexp(1.0, -11)), 0x3c02u);
  EXPECT_EQ(format::double_to_half_bits(1.0 + std::ldexp(1.0, -11) + 1e-12), 0x3c01u);
  EXPECT_EQ(format::double_to_half_bits(65519.0), 0x7bffu);  // just below the overflow tie
  EXPECT_EQ(format::double_to_half_bits(65520.0), 0x7c00u);  // tie rounds up to infinity
  EXPECT_EQ(format::double_to_half_bits(std::ldexp(1.0, -25)), 0x0000u);  // tie to even: 0
  EXPECT_EQ(format::double_to_half_bits(std::ldexp(1.5, -25)), 0x0001u);
  EXPECT_EQ(format::double_to_half_bits(-1e-300), 0x8000u);
  EXPECT_EQ(format::double_to_half_bits(std::ldexp(1023.5, -24)), 0x0400u);  // carries to normal
}

TEST(FloatBitsTest, FloatOverflowIsDefined) {
  EXPECT_EQ(format::double_to_float(1e300), std::numeric_limits<float>::infinity());
  EXPECT_EQ(format::double_to_float(-1e300), -std::numeric_limits<float>::infinity());
  // Within half an ulp (2^103) above FLT_MAX a double still rounds down to FLT_MAX; at the tie
  // it rounds to infinity.
  const double max = static_cast<double>(std::numeric_limits<float>::max());
  EXPECT_EQ(format::double_to_float(max + std::ldexp(1.0, 102)), std::numeric_limits<float>::max());
  EXPECT_EQ(format::double_to_float(max + std::ldexp(1.0, 103)),
            std::numeric_limits<float>::infinity());
  EXPECT_EQ(format::double_to_float(-max - std::ldexp(1.0, 102)),
            -std::numeric_limits<float>::max());
  EXPECT_EQ(format::double_to_float(0.1), 0.1f);
}

}  // namespace
}  // namespace zarrphase

#include "zarrphase/dtype.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/expect_error.h"

namespace zarrphase {
namespace {

using nlohmann::json;
using testing::ExpectError;

TEST(DataTypeTest, EveryCoreV3NameRoundTrips) {
  const struct {
    const char* name;
    DataType type;
    uint32_t swap_unit;
  } cases[] = {
      {"bool", DataType::boolean(), 1},       {"int8", DataType::int_(1), 1},
      {"int16", DataType::int_(2), 2},        {"int32", DataType::int_(4), 4},
      {"int64", DataType::int_(8), 8},        {"uint8", DataType::uint(1), 1},
      {"uint16", DataType::uint(2), 2},       {"uint32", DataType::uint(4), 4},
      {"uint64", DataType::uint(8), 8},       {"float16", DataType::float_(2), 2},
      {"float32", DataType::float_(4), 4},    {"float64", DataType::float_(8), 8},
      {"complex64", DataType::complex(8), 4}, {"complex128", DataType::complex(16), 8},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const DataType type = DataType::from_v3_name(c.name);
    EXPECT_EQ(type, c.type);
    EXPECT_EQ(type.name(), c.name);
    EXPECT_EQ(type.swap_unit(), c.swap_unit);
    EXPECT_EQ(type.has_endianness(), c.swap_unit > 1);
    EXPECT_EQ(DataType::from_v3_json(json(c.name)), c.type);
    EXPECT_EQ(type.to_v3_json(), json(c.name));
  }
}

TEST(DataTypeTest, RawBitsNamesAndZarrPythonForm) {
  EXPECT_EQ(DataType::from_v3_name("r8"), DataType::raw_bits(1));
  EXPECT_EQ(DataType::from_v3_name("r24"), DataType::raw_bits(3));
  EXPECT_EQ(DataType::raw_bits(3).name(), "r24");
  EXPECT_FALSE(DataType::raw_bits(4).has_endianness());
  const json raw_bytes = {{"name", "raw_bytes"}, {"configuration", {{"length_bytes", 3}}}};
  EXPECT_EQ(DataType::from_v3_json(raw_bytes), DataType::raw_bits(3));
  // zarr-python 3.4.2 cannot read "r24", so we write its own spelling.
  EXPECT_EQ(DataType::raw_bits(3).to_v3_json(), raw_bytes);
}

TEST(DataTypeTest, MalformedRawBitsAreInvalid) {
  for (const char* name : {"r0", "r12", "r08", "r99999999999"}) {
    ExpectError([&] { DataType::from_v3_name(name); }, ErrorCode::kInvalidMetadata,
                {"data_type", name});
  }
  ExpectError(
      [] {
        DataType::from_v3_json({{"name", "raw_bytes"}, {"configuration", {{"length_bytes", 0}}}});
      },
      ErrorCode::kInvalidMetadata, {"length_bytes", "0"});
  ExpectError(
      [] {
        DataType::from_v3_json({{"name", "raw_bytes"}});
      },
      ErrorCode::kInvalidMetadata, {"length_bytes"});
}

TEST(DataTypeTest, ValidButNotNativeTypesAreUnsupported) {
  for (const char* name : {"string", "bytes", "variable_length_bytes", "bfloat16", "my.ext"}) {
    ExpectError([&] { DataType::from_v3_name(name); }, ErrorCode::kUnsupported, {name});
  }
  ExpectError(
      [] {
        DataType::from_v3_json({{"name", "numpy.datetime64"},
                                {"configuration", {{"unit", "s"}, {"scale_factor", 1}}}});
      },
      ErrorCode::kUnsupported, {"numpy.datetime64"});
  // must_understand: false does not make an unknown data type ignorable.
  ExpectError(
      [] {
        DataType::from_v3_json({{"name", "fancy"}, {"must_understand", false}});
      },
      ErrorCode::kUnsupported, {"fancy"});
}

TEST(DataTypeTest, MalformedDataTypeValuesAreInvalid) {
  ExpectError([] { DataType::from_v3_json(json(5)); }, ErrorCode::kInvalidMetadata,
              {"data_type", "5"});
  ExpectError([] { DataType::from_v3_json(json::object()); }, ErrorCode::kInvalidMetadata,
              {"data_type", "name"});
  ExpectError(
      [] {
        DataType::from_v3_json({{"name", "int8"}, {"extra", 1}});
      },
      ErrorCode::kInvalidMetadata, {"data_type", "extra"});
  ExpectError(
      [] {
        DataType::from_v3_json({{"name", "int8"}, {"configuration", {{"a", 1}}}});
      },
      ErrorCode::kInvalidMetadata, {"data_type", "int8"});
  ExpectError([] { DataType::from_v3_name(""); }, ErrorCode::kInvalidMetadata, {"data_type"});
}

TEST(DataTypeTest, V2TypeStrings) {
  Endian endian = Endian::kLittle;
  EXPECT_EQ(DataType::from_v2_typestr(">i4", &endian), DataType::int_(4));
  EXPECT_EQ(endian, Endian::kBig);
  EXPECT_EQ(DataType::from_v2_typestr("<f2", &endian), DataType::float_(2));
  EXPECT_EQ(endian, Endian::kLittle);
  EXPECT_EQ(DataType::from_v2_typestr("|b1", &endian), DataType::boolean());
  EXPECT_EQ(endian, native_endian());
  EXPECT_EQ(DataType::from_v2_typestr("<c16", nullptr), DataType::complex(16));
  EXPECT_EQ(DataType::from_v2_typestr("|V7", nullptr), DataType::raw_bits(7));
  EXPECT_EQ(DataType::from_v2_typestr("<u8", nullptr), DataType::uint(8));
  EXPECT_EQ(DataType::int_(4).v2_typestr(Endian::kBig), ">i4");
  EXPECT_EQ(DataType::complex(8).v2_typestr(Endian::kLittle), "<c8");
  EXPECT_EQ(DataType::uint(1).v2_typestr(Endian::kBig), "|u1");
  EXPECT_EQ(DataType::raw_bits(3).v2_typestr(Endian::kLittle), "|V3");
}

TEST(DataTypeTest, V2UnsupportedAndInvalidTypeStrings) {
  for (const char* typestr : {"<U4", "|S8", "|O", "<M8[ns]", "<m8[s]", "<f16", "<c32"}) {
    ExpectError([&] { DataType::from_v2_typestr(typestr, nullptr); }, ErrorCode::kUnsupported,
                {typestr});
  }
  for (const char* typestr : {"i4", "=i4", "<i3", "<b2", "<i", "<x4", "|V0", "int32"}) {
    ExpectError([&] { DataType::from_v2_typestr(typestr, nullptr); }, ErrorCode::kInvalidMetadata,
                {"dtype"});
  }
}

}  // namespace
}  // namespace zarrphase

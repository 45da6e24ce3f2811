#include <gtest/gtest.h>

#include <vector>

#include "support/expect_error.h"
#include "zarrphase/metadata.h"

namespace zarrphase {
namespace {

using nlohmann::json;
using testing::ExpectError;
using Kind = ChunkKeyEncoding::Kind;

std::string Encode(const ChunkKeyEncoding& encoding, std::vector<uint64_t> coords) {
  return encoding.encode(coords);
}

TEST(ChunkKeyEncodingTest, DefaultEncoding) {
  const ChunkKeyEncoding slash{Kind::kDefault, '/'};
  EXPECT_EQ(Encode(slash, {1, 2}), "c/1/2");
  EXPECT_EQ(Encode(slash, {0}), "c/0");
  EXPECT_EQ(Encode(slash, {}), "c");
  EXPECT_EQ(Encode(slash, {18446744073709551615u}), "c/18446744073709551615");
  const ChunkKeyEncoding dot{Kind::kDefault, '.'};
  EXPECT_EQ(Encode(dot, {1, 2, 3}), "c.1.2.3");
  EXPECT_EQ(Encode(dot, {}), "c");
}

TEST(ChunkKeyEncodingTest, V2Encoding) {
  const ChunkKeyEncoding dot{Kind::kV2, '.'};
  EXPECT_EQ(Encode(dot, {1, 2}), "1.2");
  EXPECT_EQ(Encode(dot, {7}), "7");
  EXPECT_EQ(Encode(dot, {}), "0");
  const ChunkKeyEncoding slash{Kind::kV2, '/'};
  EXPECT_EQ(Encode(slash, {1, 0, 2}), "1/0/2");
  EXPECT_EQ(Encode(slash, {}), "0");
}

TEST(ChunkKeyEncodingTest, ParsesWithDefaultsPerKind) {
  EXPECT_EQ(ChunkKeyEncoding::from_json({{"name", "default"}}),
            (ChunkKeyEncoding{Kind::kDefault, '/'}));
  EXPECT_EQ(ChunkKeyEncoding::from_json(json("default")), (ChunkKeyEncoding{Kind::kDefault, '/'}));
  EXPECT_EQ(ChunkKeyEncoding::from_json({{"name", "v2"}}), (ChunkKeyEncoding{Kind::kV2, '.'}));
  EXPECT_EQ(ChunkKeyEncoding::from_json({{"name", "v2"}, {"configuration", json::object()}}),
            (ChunkKeyEncoding{Kind::kV2, '.'}));
  EXPECT_EQ(
      ChunkKeyEncoding::from_json({{"name", "default"}, {"configuration", {{"separator", "."}}}}),
      (ChunkKeyEncoding{Kind::kDefault, '.'}));
  EXPECT_EQ(ChunkKeyEncoding::from_json({{"name", "v2"}, {"configuration", {{"separator", "/"}}}}),
            (ChunkKeyEncoding{Kind::kV2, '/'}));
  // Understood, so "must_understand": false changes nothing.
  EXPECT_EQ(ChunkKeyEncoding::from_json({{"name", "v2"}, {"must_understand", false}}),
            (ChunkKeyEncoding{Kind::kV2, '.'}));
}

TEST(ChunkKeyEncodingTest, WritesWhatZarrPythonWrites) {
  EXPECT_EQ(ChunkKeyEncoding{}.to_json(),
            json::parse(R"({"name": "default", "configuration": {"separator": "/"}})"));
  EXPECT_EQ((ChunkKeyEncoding{Kind::kV2, '.'}).to_json(),
            json::parse(R"({"name": "v2", "configuration": {"separator": "."}})"));
  for (const ChunkKeyEncoding encoding :
       {ChunkKeyEncoding{Kind::kDefault, '/'}, ChunkKeyEncoding{Kind::kDefault, '.'},
        ChunkKeyEncoding{Kind::kV2, '.'}, ChunkKeyEncoding{Kind::kV2, '/'}}) {
    EXPECT_EQ(ChunkKeyEncoding::from_json(encoding.to_json()), encoding);
  }
}

TEST(ChunkKeyEncodingTest, RejectsMalformedAndUnknown) {
  ExpectError(
      [] {
        ChunkKeyEncoding::from_json({{"name", "default"}, {"configuration", {{"separator", "-"}}}});
      },
      ErrorCode::kInvalidMetadata, {"chunk_key_encoding", "separator", "\"-\""});
  ExpectError(
      [] {
        ChunkKeyEncoding::from_json({{"name", "default"}, {"configuration", {{"sep", "/"}}}});
      },
      ErrorCode::kInvalidMetadata, {"chunk_key_encoding", "sep"});
  ExpectError([] { ChunkKeyEncoding::from_json(json(3)); }, ErrorCode::kInvalidMetadata,
              {"chunk_key_encoding", "3"});
  ExpectError(
      [] {
        ChunkKeyEncoding::from_json({{"name", "default"}, {"configuration", 1}});
      },
      ErrorCode::kInvalidMetadata, {"chunk_key_encoding", "configuration"});
  // Must be understood even when marked "must_understand": false.
  ExpectError(
      [] {
        ChunkKeyEncoding::from_json({{"name", "hashed"}, {"must_understand", false}});
      },
      ErrorCode::kUnsupported, {"chunk_key_encoding", "hashed"});
}

}  // namespace
}  // namespace zarrphase

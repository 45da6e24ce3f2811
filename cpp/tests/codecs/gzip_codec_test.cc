// gzip ("gzip" and "numcodecs.gzip"): round trips, the header bytes Python writes, the
// multi-member streams Python reads, and hostile input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "codecs/compressor_test_util.h"
#include "support/round_trip.h"

namespace zarrphase::testing {
namespace {

using nlohmann::json;

json Gzip(int level) { return {{"name", "gzip"}, {"configuration", {{"level", level}}}}; }

Bytes Encode(const BytesToBytesCodec& codec, ByteView in) {
  Bytes out;
  codec.encode(in, out);
  return out;
}

Bytes SmoothBytes(size_t n) { return RandomArrayBytes(MakeSpec(DataType::uint(1), {n}), 7); }

TEST(GzipCodecTest, RoundTripsEveryDataTypeAtEveryLevel) {
  for (DataType dtype : AllDataTypes()) {
    for (int level : {0, 1, 5, 9}) {
      SCOPED_TRACE(dtype.name() + " level " + std::to_string(level));
      ExpectRoundTrip(ChainWith(Gzip(level)), MakeSpec(dtype, {7, 13}));
    }
  }
}

TEST(GzipCodecTest, RoundTripsOddAndEmptyShapes) {
  for (const auto& shape : std::vector<std::vector<uint64_t>>{{}, {0}, {3, 0}, {1}, {17, 3, 5}}) {
    ExpectRoundTrip(ChainWith(Gzip(5)), MakeSpec(DataType::float_(8), shape));
    ExpectRoundTrip(ChainWith({{"name", "numcodecs.gzip"}}), MakeSpec(DataType::int_(2), shape));
  }
}

TEST(GzipCodecTest, WritesPythonsHeaderWithZeroMtime) {
  const Bytes data = SmoothBytes(5000);
  for (auto [level, xfl] : {std::pair{0, 0}, {1, 4}, {5, 0}, {9, 2}}) {
    const Bytes encoded = Encode(*MakeCompressor(Gzip(level)), data);
    ASSERT_GE(encoded.size(), 18U);
    EXPECT_EQ(Bytes(encoded.begin(), encoded.begin() + 10),
              BytesOf({0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 0xff}))
        << "level " << level;
    // ISIZE trailer: the decoded size, little-endian.
    EXPECT_EQ(Bytes(encoded.end() - 4, encoded.end()), BytesOf({0x88, 0x13, 0, 0}));
  }
}

TEST(GzipCodecTest, DefaultsAndJsonFollowZarrPythonAndNumcodecs) {
  EXPECT_EQ(MakeCompressor({{"name", "gzip"}})->to_json(),
            json({{"name", "gzip"}, {"configuration", {{"level", 5}}}}));
  EXPECT_EQ(MakeCompressor({{"name", "numcodecs.gzip"}})->to_json(),
            json({{"name", "numcodecs.gzip"}, {"configuration", {{"level", 1}}}}));
  // numcodecs passes -1 (zlib's default level) through; the v3 codec only takes 0-9.
  EXPECT_NO_THROW(MakeCompressor({{"name", "numcodecs.gzip"}, {"configuration", {{"level", -1}}}}));
  ExpectError(ErrorCode::kInvalidMetadata, {"gzip", "level", "10"}, [] { make_codec(Gzip(10)); });
  ExpectError(ErrorCode::kInvalidMetadata, {"gzip", "level"}, [] { make_codec(Gzip(-1)); });
  ExpectError(ErrorCode::kInvalidMetadata, {"gzip", "level"}, [] {
    make_codec({{"name", "gzip"}, {"configuration", {{"level", "5"}}}});
  });
  ExpectError(ErrorCode::kInvalidMetadata, {"gzip", "unknown", "mtime"}, [] {
    make_codec({{"name", "gzip"}, {"configuration", {{"level", 5}, {"mtime", 0}}}});
  });
}

TEST(GzipCodecTest, DecodesConcatenatedMembersWithZeroPadding) {
  const auto codec = MakeCompressor(Gzip(6));
  const Bytes first = SmoothBytes(3000);
  const Bytes second = RandomArrayBytes(MakeSpec(DataType::uint(1), {2000}), 99);
  Bytes stream = Encode(*codec, first);
  stream.insert(stream.end(), 5, std::byte{0});
  const Bytes second_member = Encode(*codec, second);
  stream.insert(stream.end(), second_member.begin(), second_member.end());

  const Bytes expected = Concat(first, second);
  Bytes decoded;
  codec->decode(stream, expected.size(), decoded);
  EXPECT_TRUE(decoded == expected);
  Bytes exact(expected.size());
  codec->decode_into(stream, exact);
  EXPECT_TRUE(exact == expected);
  // With an unknown bound the last member's ISIZE (2000) undercounts: decode must grow.
  codec->decode(stream, UINT64_MAX, decoded);
  EXPECT_TRUE(decoded == expected);
}

TEST(GzipCodecTest, EmptyInputHasNoMembersLikePythonsGzip) {
  const auto codec = MakeCompressor(Gzip(5));
  Bytes decoded = BytesOf({1, 2, 3});
  codec->decode({}, 100, decoded);
  EXPECT_TRUE(decoded.empty());
  ExpectCorrupt({"gzip", "decoded 0 bytes", "expected exactly 4"}, [&] {
    Bytes out(4);
    codec->decode_into({}, out);
  });
}

TEST(GzipCodecTest, RejectsTruncatedStreams) {
  const auto codec = MakeCompressor(Gzip(5));
  const Bytes data = SmoothBytes(4000);
  const Bytes encoded = Encode(*codec, data);
  for (size_t cut : {size_t{1}, size_t{4}, size_t{9}, encoded.size() / 2, encoded.size() - 1}) {
    const ByteView truncated(encoded.data(), cut);
    ExpectCorrupt({"gzip"}, [&] {
      Bytes out;
      codec->decode(truncated, data.size(), out);
    });
    ExpectCorrupt({"gzip"}, [&] {
      Bytes out(data.size());
      codec->decode_into(truncated, out);
    });
  }
}

TEST(GzipCodecTest, RejectsBadMagicAndTrailingGarbage) {
  const auto codec = MakeCompressor(Gzip(5));
  const Bytes data = SmoothBytes(1000);
  Bytes encoded = Encode(*codec, data);
  Bytes bad_magic = encoded;
  bad_magic[1] = std::byte{0x8c};
  ExpectCorrupt({"gzip", "bad magic", "byte 0"}, [&] {
    Bytes out;
    codec->decode(bad_magic, data.size(), out);
  });
  // Python's gzip raises "Not a gzipped file" for anything but zeros after a member.
  const Bytes garbage = Concat(encoded, BytesOf({'x', 'y'}));
  ExpectCorrupt({"gzip", "bad magic", "byte " + std::to_string(encoded.size())}, [&] {
    Bytes out(data.size());
    codec->decode_into(garbage, out);
  });
}

TEST(GzipCodecTest, RejectsCorruptCrcAndDeflateData) {
  const auto codec = MakeCompressor(Gzip(5));
  const Bytes data = SmoothBytes(3000);
  const Bytes encoded = Encode(*codec, data);
  Bytes bad_crc = encoded;
  bad_crc[bad_crc.size() - 8] ^= std::byte{0x01};
  ExpectCorrupt({"gzip", "CRC"}, [&] {
    Bytes out;
    codec->decode(bad_crc, data.size(), out);
  });
  Bytes bad_body = encoded;
  bad_body[12] ^= std::byte{0xff};
  bad_body[13] ^= std::byte{0xff};
  ExpectCorrupt({"gzip"}, [&] {
    Bytes out(data.size());
    codec->decode_into(bad_body, out);
  });
}

TEST(GzipCodecTest, RejectsBombsBeforeAllocating) {
  const auto codec = MakeCompressor(Gzip(9));
  const Bytes zeros(1 << 20, std::byte{0});  // 1 MiB of zeros deflates to ~1 KiB
  const Bytes encoded = Encode(*codec, zeros);
  ASSERT_LT(encoded.size(), 2048U);
  // The trailer declares 1 MiB: rejected before decoding.
  Bytes out;
  ExpectCorrupt({"gzip", "1048576", "4096"}, [&] { codec->decode(encoded, 4096, out); });
  EXPECT_EQ(out.capacity(), 0U);
  // A lying trailer (ISIZE 16) gets past the early check; the bounded buffer stops it.
  Bytes lying = encoded;
  const Bytes sixteen = BytesOf({16, 0, 0, 0});
  std::copy(sixteen.begin(), sixteen.end(), lying.end() - 4);
  ExpectCorrupt({"gzip", "4096"}, [&] { codec->decode(lying, 4096, out); });
  EXPECT_LE(out.capacity(), 4096U);
  ExpectCorrupt({"gzip"}, [&] {
    Bytes exact(4096);
    codec->decode_into(encoded, exact);
  });
}

TEST(GzipCodecTest, DecodeIntoRejectsShortStreams) {
  const auto codec = MakeCompressor(Gzip(5));
  const Bytes encoded = Encode(*codec, SmoothBytes(100));
  ExpectCorrupt({"gzip", "decoded 100 bytes", "expected exactly 101"}, [&] {
    Bytes out(101);
    codec->decode_into(encoded, out);
  });
}

}  // namespace
}  // namespace zarrphase::testing

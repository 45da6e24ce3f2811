// zstd ("zstd" and "numcodecs.zstd"): round trips, the frame numcodecs writes, every frame
// layout numcodecs reads (no content size, several frames, skippable frames), hostile input.
#include <gtest/gtest.h>
#include <zstd.h>

#include <cstdint>
#include <vector>

#include "codecs/compressor_test_util.h"
#include "support/round_trip.h"

namespace zarrphase::testing {
namespace {

using nlohmann::json;

json Zstd(int level, bool checksum) {
  return {{"name", "zstd"}, {"configuration", {{"level", level}, {"checksum", checksum}}}};
}

Bytes Encode(const BytesToBytesCodec& codec, ByteView in) {
  Bytes out;
  codec.encode(in, out);
  return out;
}

Bytes Data(size_t n, uint64_t seed = 3) {
  return RandomArrayBytes(MakeSpec(DataType::uint(1), {n}), seed);
}

// A frame as a streaming compressor writes it: the content size is not known up front.
Bytes StreamingFrame(ByteView data, bool checksum) {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, checksum ? 1 : 0);
  ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 0);
  Bytes out(ZSTD_compressBound(data.size()) + 64);
  ZSTD_inBuffer input{data.data(), data.size(), 0};
  ZSTD_outBuffer output{out.data(), out.size(), 0};
  const size_t left = ZSTD_compressStream2(context, &output, &input, ZSTD_e_end);
  ZSTD_freeCCtx(context);
  EXPECT_EQ(left, 0U);
  out.resize(output.pos);
  EXPECT_EQ(ZSTD_getFrameContentSize(out.data(), out.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  return out;
}

void ExpectDecodesTo(const BytesToBytesCodec& codec, ByteView encoded, const Bytes& expected) {
  for (uint64_t bound : {uint64_t{expected.size()}, uint64_t{expected.size()} + 100, UINT64_MAX}) {
    Bytes decoded;
    codec.decode(encoded, bound, decoded);
    EXPECT_TRUE(decoded == expected) << "bound " << bound;
  }
  Bytes exact(expected.size());
  codec.decode_into(encoded, exact);
  EXPECT_TRUE(exact == expected);
}

TEST(ZstdCodecTest, RoundTripsEveryDataTypeAndOption) {
  for (DataType dtype : AllDataTypes()) {
    for (auto [level, checksum] : {std::pair{0, false}, {1, true}, {-5, false}, {19, true}}) {
      SCOPED_TRACE(dtype.name() + " level " + std::to_string(level));
      ExpectRoundTrip(ChainWith(Zstd(level, checksum)), MakeSpec(dtype, {5, 11}));
    }
  }
}

TEST(ZstdCodecTest, RoundTripsOddAndEmptyShapes) {
  for (const auto& shape : std::vector<std::vector<uint64_t>>{{}, {0}, {0, 4}, {1}, {3, 7, 11}}) {
    ExpectRoundTrip(ChainWith(Zstd(3, true)), MakeSpec(DataType::complex(16), shape));
    ExpectRoundTrip(ChainWith({{"name", "numcodecs.zstd"}}), MakeSpec(DataType::uint(4), shape));
  }
}

TEST(ZstdCodecTest, WritesOneFrameWithContentSizeAndRequestedChecksum) {
  const Bytes data = Data(10000);
  for (bool checksum : {false, true}) {
    const Bytes encoded = Encode(*MakeCompressor(Zstd(3, checksum)), data);
    EXPECT_EQ(ZSTD_getFrameContentSize(encoded.data(), encoded.size()), data.size());
    EXPECT_EQ(ZSTD_findFrameCompressedSize(encoded.data(), encoded.size()), encoded.size());
    const bool has_checksum = (std::to_integer<int>(encoded[4]) & 0x04) != 0;
    EXPECT_EQ(has_checksum, checksum);
  }
}

TEST(ZstdCodecTest, DecodesFramesWithoutContentSize) {
  const auto codec = MakeCompressor(Zstd(3, false));
  for (size_t n : {size_t{0}, size_t{1}, size_t{5000}, size_t{3} << 20}) {
    SCOPED_TRACE(n);
    const Bytes data = Data(n);
    ExpectDecodesTo(*codec, StreamingFrame(data, /*checksum=*/true), data);
  }
}

TEST(ZstdCodecTest, DecodesConcatenatedAndSkippableFrames) {
  const auto codec = MakeCompressor(Zstd(3, true));
  const Bytes a = Data(3000, 1);
  const Bytes b = Data(2000, 2);
  const Bytes c = Data(1000, 3);
  // A skippable frame: magic 0x184D2A50, 4-byte length, then that many ignored bytes.
  const Bytes skippable = BytesOf({0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9});
  Bytes stream = Concat(Encode(*codec, a), skippable);
  stream = Concat(stream, StreamingFrame(b, false));
  stream = Concat(stream, Encode(*codec, c));
  ExpectDecodesTo(*codec, stream, Concat(Concat(a, b), c));
  // Every frame declaring its size: decoded in one pass into an exactly sized buffer.
  ExpectDecodesTo(*codec, Concat(Encode(*codec, a), Encode(*codec, c)), Concat(a, c));
}

TEST(ZstdCodecTest, RejectsEmptyGarbageAndTruncatedInput) {
  const auto codec = MakeCompressor(Zstd(3, true));
  const Bytes data = Data(20000);
  const Bytes encoded = Encode(*codec, data);
  ExpectCorrupt({"zstd", "empty"}, [&] {
    Bytes out;
    codec->decode({}, 100, out);
  });
  ExpectCorrupt({"zstd", "byte 0"}, [&] {
    Bytes out;
    codec->decode(BytesOf({'n', 'o', 't', ' ', 'z', 's', 't', 'd'}), 100, out);
  });
  for (size_t cut : {size_t{3}, size_t{6}, encoded.size() / 2, encoded.size() - 1}) {
    const ByteView truncated(encoded.data(), cut);
    ExpectCorrupt({"zstd", "truncated"}, [&] {
      Bytes out;
      codec->decode(truncated, data.size(), out);
    });
    ExpectCorrupt({"zstd"}, [&] {
      Bytes out(data.size());
      codec->decode_into(truncated, out);
    });
  }
  const Bytes trailing = Concat(encoded, BytesOf({1, 2, 3, 4, 5, 6, 7, 8, 9}));
  ExpectCorrupt({"zstd", "byte " + std::to_string(encoded.size())}, [&] {
    Bytes out(data.size());
    codec->decode_into(trailing, out);
  });
}

TEST(ZstdCodecTest, RejectsChecksumMismatch) {
  const auto codec = MakeCompressor(Zstd(3, true));
  const Bytes data = Data(5000);
  Bytes encoded = Encode(*codec, data);
  encoded.back() ^= std::byte{0x5a};  // the frame's last 4 bytes are its XXH64 checksum
  ExpectCorrupt({"zstd", "checksum"}, [&] {
    Bytes out;
    codec->decode(encoded, data.size(), out);
  });
  ExpectCorrupt({"zstd", "checksum"}, [&] {
    Bytes out(data.size());
    codec->decode_into(encoded, out);
  });
}

TEST(ZstdCodecTest, RejectsBombsBeforeAllocating) {
  const auto codec = MakeCompressor(Zstd(3, false));
  const Bytes zeros(1 << 20, std::byte{0});
  const Bytes encoded = Encode(*codec, zeros);
  Bytes out;
  ExpectCorrupt({"zstd", "content size of 1048576", "4096"},
                [&] { codec->decode(encoded, 4096, out); });
  EXPECT_EQ(out.capacity(), 0U) << "allocated before checking the declared size";
  ExpectCorrupt({"zstd", "1048576"}, [&] {
    Bytes exact(4096);
    codec->decode_into(encoded, exact);
  });
  // Without a declared size the bound stops the decoder.
  const Bytes stream = StreamingFrame(zeros, false);
  ExpectCorrupt({"zstd", "4096"}, [&] { codec->decode(stream, 4096, out); });
  EXPECT_LE(out.capacity(), 4096U);
  ExpectCorrupt({"zstd"}, [&] {
    Bytes exact(4096);
    codec->decode_into(stream, exact);
  });
  // Two frames whose declared sizes together overflow the bound.
  const Bytes half(3000, std::byte{1});
  const Bytes two = Concat(Encode(*codec, half), Encode(*codec, half));
  ExpectCorrupt({"zstd", "6000", "5000"}, [&] { codec->decode(two, 5000, out); });
}

TEST(ZstdCodecTest, RejectsLyingContentSize) {
  const auto codec = MakeCompressor(Zstd(3, false));
  const Bytes data = Data(200);
  Bytes encoded = Encode(*codec, data);
  // 200 bytes: single-segment frame with a 1-byte content size right after the descriptor.
  ASSERT_EQ(std::to_integer<int>(encoded[5]), 200);
  encoded[5] = std::byte{100};
  ExpectCorrupt({"zstd"}, [&] {
    Bytes out;
    codec->decode(encoded, 1000, out);
  });
  ExpectCorrupt({"zstd", "100", "200"}, [&] {
    Bytes out(200);
    codec->decode_into(encoded, out);
  });
}

TEST(ZstdCodecTest, ConfigurationFollowsZarrPythonAndNumcodecs) {
  EXPECT_EQ(MakeCompressor({{"name", "zstd"}})->to_json(), Zstd(0, false));
  EXPECT_EQ(
      MakeCompressor({{"name", "numcodecs.zstd"}, {"configuration", {{"level", 30}}}})->to_json(),
      json({{"name", "numcodecs.zstd"}, {"configuration", {{"level", 30}, {"checksum", false}}}}));
  ExpectError(ErrorCode::kInvalidMetadata, {"zstd", "level", "23"},
              [] { make_codec(Zstd(23, false)); });
  ExpectError(ErrorCode::kInvalidMetadata, {"zstd", "checksum"}, [] {
    make_codec({{"name", "zstd"}, {"configuration", {{"level", 1}, {"checksum", 1}}}});
  });
  ExpectError(ErrorCode::kInvalidMetadata, {"zstd", "level"}, [] {
    make_codec({{"name", "zstd"}, {"configuration", {{"level", 1.5}}}});
  });
  // numcodecs lets zstd clamp any level: 30 compresses like 22.
  const Bytes data = Data(4000);
  EXPECT_TRUE(
      Encode(*MakeCompressor({{"name", "numcodecs.zstd"}, {"configuration", {{"level", 30}}}}),
             data) == Encode(*MakeCompressor(Zstd(22, false)), data));
}

}  // namespace
}  // namespace zarrphase::testing

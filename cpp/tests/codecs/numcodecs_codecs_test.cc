// numcodecs.zlib and numcodecs.lz4 (the Zarr v2 compressors without a v3 twin): round trips,
// the exact formats numcodecs writes, and hostile input.
#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "codecs/compressor_test_util.h"
#include "support/round_trip.h"

namespace zarrphase::testing {
namespace {

using nlohmann::json;

json Zlib(int level) { return {{"name", "numcodecs.zlib"}, {"configuration", {{"level", level}}}}; }
json Lz4(int acceleration) {
  return {{"name", "numcodecs.lz4"}, {"configuration", {{"acceleration", acceleration}}}};
}

Bytes Encode(const BytesToBytesCodec& codec, ByteView in) {
  Bytes out;
  codec.encode(in, out);
  return out;
}

Bytes Data(size_t n, uint64_t seed = 11) {
  return RandomArrayBytes(MakeSpec(DataType::int_(1), {n}), seed);
}

TEST(NumcodecsZlibTest, RoundTripsEveryDataTypeLevelAndShape) {
  for (DataType dtype : AllDataTypes()) {
    for (int level : {-1, 0, 1, 6, 9}) {
      ExpectRoundTrip(ChainWith(Zlib(level)), MakeSpec(dtype, {6, 10}));
    }
  }
  for (const auto& shape : std::vector<std::vector<uint64_t>>{{}, {0}, {1}, {2, 0, 3}, {101}}) {
    ExpectRoundTrip(ChainWith({{"name", "numcodecs.zlib"}}), MakeSpec(DataType::int_(4), shape));
  }
}

TEST(NumcodecsZlibTest, WritesAZlibStreamAndReadsPastItsEnd) {
  const auto codec = MakeCompressor(Zlib(9));
  const Bytes data = Data(3000);
  const Bytes encoded = Encode(*codec, data);
  // CMF 0x78 (deflate, 32 KiB window); FLG 0xDA marks level 9 and makes the pair divisible by 31.
  EXPECT_EQ(Bytes(encoded.begin(), encoded.begin() + 2), BytesOf({0x78, 0xda}));
  // Python's zlib.decompress ignores bytes after the end of the stream; so do we.
  const Bytes trailing = Concat(encoded, BytesOf({1, 2, 3}));
  Bytes decoded;
  codec->decode(trailing, data.size(), decoded);
  EXPECT_TRUE(decoded == data);
  codec->decode(encoded, UINT64_MAX, decoded);
  EXPECT_TRUE(decoded == data);
  EXPECT_EQ(codec->to_json(), Zlib(9));
  EXPECT_EQ(MakeCompressor({{"name", "numcodecs.zlib"}})->to_json(), Zlib(1));
}

TEST(NumcodecsZlibTest, RejectsHostileInput) {
  const auto codec = MakeCompressor(Zlib(5));
  const Bytes data = Data(5000);
  const Bytes encoded = Encode(*codec, data);
  ExpectCorrupt({"numcodecs.zlib", "truncated", "3 bytes"}, [&] {
    Bytes out;
    codec->decode(ByteView(encoded.data(), 3), data.size(), out);
  });
  ExpectCorrupt({"numcodecs.zlib", "truncated or corrupt"}, [&] {
    Bytes out(data.size());
    codec->decode_into(ByteView(encoded.data(), encoded.size() - 1), out);
  });
  Bytes bad_adler = encoded;
  bad_adler.back() ^= std::byte{1};
  ExpectCorrupt({"numcodecs.zlib", "Adler-32"}, [&] {
    Bytes out;
    codec->decode(bad_adler, data.size(), out);
  });
  Bytes bad_header = encoded;
  bad_header[0] = std::byte{0x79};
  ExpectCorrupt({"numcodecs.zlib"}, [&] {
    Bytes out;
    codec->decode(bad_header, data.size(), out);
  });
  // A bomb: 1 MiB of zeros against a 10 KB bound, for both the bounded and the exact decoder.
  const Bytes bomb = Encode(*codec, Bytes(1 << 20, std::byte{0}));
  Bytes out;
  ExpectCorrupt({"numcodecs.zlib", "10000"}, [&] { codec->decode(bomb, 10000, out); });
  EXPECT_LE(out.capacity(), 10000U);
  ExpectCorrupt({"numcodecs.zlib"}, [&] {
    Bytes exact(10000);
    codec->decode_into(bomb, exact);
  });
  ExpectCorrupt({"numcodecs.zlib", "decoded 5000 bytes", "expected exactly 5001"}, [&] {
    Bytes exact(5001);
    codec->decode_into(encoded, exact);
  });
}

TEST(NumcodecsZlibTest, RejectsInvalidConfiguration) {
  ExpectError(ErrorCode::kInvalidMetadata, {"numcodecs.zlib", "level", "10"},
              [] { make_codec(Zlib(10)); });
  ExpectError(ErrorCode::kInvalidMetadata, {"numcodecs.zlib", "unknown", "wbits"}, [] {
    make_codec({{"name", "numcodecs.zlib"}, {"configuration", {{"wbits", 15}}}});
  });
}

TEST(NumcodecsLz4Test, RoundTripsEveryDataTypeAccelerationAndShape) {
  for (DataType dtype : AllDataTypes()) {
    for (int acceleration : {-3, 1, 10, 1000}) {
      ExpectRoundTrip(ChainWith(Lz4(acceleration)), MakeSpec(dtype, {9, 5}));
    }
  }
  for (const auto& shape : std::vector<std::vector<uint64_t>>{{}, {0}, {1}, {0, 7}, {13, 3}}) {
    ExpectRoundTrip(ChainWith({{"name", "numcodecs.lz4"}}), MakeSpec(DataType::uint(8), shape));
  }
}

TEST(NumcodecsLz4Test, WritesSizeHeaderThenRawBlock) {
  const auto codec = MakeCompressor(Lz4(1));
  const Bytes data = Data(2000);
  const Bytes encoded = Encode(*codec, data);
  EXPECT_EQ(Bytes(encoded.begin(), encoded.begin() + 4), BytesOf({0xd0, 0x07, 0, 0}));
  // What numcodecs writes for b"": size 0 and an LZ4 block holding one empty sequence.
  EXPECT_TRUE(Encode(*codec, {}) == BytesOf({0, 0, 0, 0, 0}));
  EXPECT_EQ(MakeCompressor({{"name", "numcodecs.lz4"}})->to_json(), Lz4(1));
}

TEST(NumcodecsLz4Test, RejectsHostileInput) {
  const auto codec = MakeCompressor(Lz4(1));
  const Bytes data = Data(5000);
  const Bytes encoded = Encode(*codec, data);
  ExpectCorrupt({"numcodecs.lz4", "truncated", "4 bytes"}, [&] {
    Bytes out;
    codec->decode(ByteView(encoded.data(), 4), data.size(), out);
  });
  ExpectCorrupt({"numcodecs.lz4", "corrupt LZ4 block"}, [&] {
    Bytes out(data.size());
    codec->decode_into(ByteView(encoded.data(), encoded.size() - 3), out);
  });
  // The size header claims 2 GiB - 1: a bomb refused before allocating.
  Bytes bomb = encoded;
  bomb[3] = std::byte{0x7f};
  Bytes out;
  ExpectCorrupt({"numcodecs.lz4", "5000"}, [&] { codec->decode(bomb, data.size(), out); });
  EXPECT_EQ(out.capacity(), 0U);
  // 4 GiB - 1: more than any LZ4 block can hold.
  Bytes huge = encoded;
  huge[3] = std::byte{0xff};
  ExpectCorrupt({"numcodecs.lz4", "more than an LZ4 block"},
                [&] { codec->decode(huge, UINT64_MAX, out); });
  // The header understates the size: the block overruns it and LZ4 must stop.
  Bytes short_claim = encoded;
  short_claim[0] = std::byte{0x10};
  short_claim[1] = std::byte{0};
  ExpectCorrupt({"numcodecs.lz4", "corrupt LZ4 block"},
                [&] { codec->decode(short_claim, data.size(), out); });
  ExpectCorrupt({"numcodecs.lz4", "decoded 5000 bytes", "expected exactly 4999"}, [&] {
    Bytes exact(4999);
    codec->decode_into(encoded, exact);
  });
}

TEST(NumcodecsLz4Test, RejectsInvalidConfiguration) {
  ExpectError(ErrorCode::kInvalidMetadata, {"numcodecs.lz4", "acceleration"}, [] {
    make_codec({{"name", "numcodecs.lz4"}, {"configuration", {{"acceleration", "fast"}}}});
  });
}

TEST(CompressorKindsTest, EveryCompressorIsABytesToBytesCodecNamedAsItsSpec) {
  for (const char* name : {"gzip", "zstd", "blosc", "numcodecs.zlib", "numcodecs.gzip",
                           "numcodecs.zstd", "numcodecs.blosc", "numcodecs.lz4"}) {
    const auto codec = make_codec(json({{"name", name}}));
    EXPECT_EQ(codec->kind(), CodecKind::kBytesToBytes) << name;
    EXPECT_EQ(codec->name(), name);
    // to_json parses back to an equal codec.
    EXPECT_EQ(make_codec(codec->to_json())->to_json(), codec->to_json()) << name;
    // Worst-case sizes never wrap.
    const auto resolved = MakeCompressor(json({{"name", name}}));
    EXPECT_EQ(resolved->max_encoded_size(UINT64_MAX), UINT64_MAX) << name;
    EXPECT_GE(resolved->max_encoded_size(0), 1U) << name;
  }
}

// One resolved codec serves every thread at once: per-thread zstd/zlib/libdeflate contexts and
// blosc's *_ctx API keep no shared state.
TEST(CompressorKindsTest, OneCodecServesManyThreads) {
  const ChunkSpec spec = MakeSpec(DataType::float_(4), {20000});
  for (const char* name : {"gzip", "zstd", "blosc", "numcodecs.zlib", "numcodecs.lz4"}) {
    const auto codec = MakeCompressor(json({{"name", name}}), spec);
    std::vector<int> failures(4, 0);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < failures.size(); ++t) {
      threads.emplace_back([&, t] {
        for (uint64_t round = 0; round < 5; ++round) {
          const Bytes data = RandomArrayBytes(spec, t * 100 + round);
          Bytes encoded;
          codec->encode(data, encoded);
          Bytes decoded(data.size());
          codec->decode_into(encoded, decoded);
          if (!(decoded == data)) ++failures[t];
        }
      });
    }
    for (auto& thread : threads) thread.join();
    for (int failed : failures) EXPECT_EQ(failed, 0) << name;
  }
}

}  // namespace
}  // namespace zarrphase::testing

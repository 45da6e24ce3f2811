// blosc ("blosc" and "numcodecs.blosc"): every cname and shuffle, typesize/shuffle resolution
// as zarr-python and numcodecs do it, and headers that lie.
#include <blosc.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "codecs/compressor_test_util.h"
#include "support/round_trip.h"

namespace zarrphase::testing {
namespace {

using nlohmann::json;

json Blosc(const std::string& cname, const std::string& shuffle, int clevel = 5) {
  return {{"name", "blosc"},
          {"configuration", {{"cname", cname}, {"clevel", clevel}, {"shuffle", shuffle}}}};
}

Bytes Encode(const BytesToBytesCodec& codec, ByteView in) {
  Bytes out;
  codec.encode(in, out);
  return out;
}

// typesize and flags as blosc recorded them in the header.
std::pair<size_t, int> HeaderMeta(const Bytes& encoded) {
  size_t typesize = 0;
  int flags = 0;
  blosc_cbuffer_metainfo(encoded.data(), &typesize, &flags);
  return {typesize, flags};
}

TEST(BloscCodecTest, RoundTripsEveryCnameAndShuffle) {
  for (const char* cname : {"blosclz", "lz4", "lz4hc", "zlib", "zstd", "snappy"}) {
    for (const char* shuffle : {"noshuffle", "shuffle", "bitshuffle"}) {
      SCOPED_TRACE(std::string(cname) + " " + shuffle);
      ExpectRoundTrip(ChainWith(Blosc(cname, shuffle)), MakeSpec(DataType::uint(2), {33, 65}));
    }
  }
}

TEST(BloscCodecTest, RoundTripsEveryDataTypeAndShape) {
  for (DataType dtype : AllDataTypes()) {
    for (const auto& shape : std::vector<std::vector<uint64_t>>{{}, {0}, {1}, {9, 0}, {19, 7}}) {
      SCOPED_TRACE(dtype.name());
      ExpectRoundTrip(ChainWith({{"name", "blosc"}}), MakeSpec(dtype, shape));
      ExpectRoundTrip(ChainWith({{"name", "numcodecs.blosc"}}), MakeSpec(dtype, shape));
    }
  }
}

TEST(BloscCodecTest, RoundTripsClevelsBlocksizesAndTypesizes) {
  const ChunkSpec spec = MakeSpec(DataType::float_(4), {4000});
  for (int clevel : {0, 1, 9}) {
    ExpectRoundTrip(ChainWith(Blosc("lz4", "shuffle", clevel)), spec);
  }
  for (int blocksize : {0, 256, 4096, 1 << 20}) {
    ExpectRoundTrip(
        ChainWith({{"name", "blosc"},
                   {"configuration",
                    {{"cname", "zstd"}, {"shuffle", "bitshuffle"}, {"blocksize", blocksize}}}}),
        spec);
  }
  for (int typesize : {1, 3, 8, 300}) {  // blosc treats typesize > 255 as 1
    ExpectRoundTrip(ChainWith({{"name", "blosc"}, {"configuration", {{"typesize", typesize}}}}),
                    spec);
  }
}

TEST(BloscCodecTest, ResolvesTypesizeAndShuffleLikeZarrPython) {
  const Bytes data = RandomArrayBytes(MakeSpec(DataType::uint(1), {4096}), 5);
  // v3 with nothing set: typesize = element size; shuffle = bit for 1-byte types, byte otherwise.
  const auto f8 = MakeCompressor({{"name", "blosc"}}, MakeSpec(DataType::float_(8), {512}));
  EXPECT_EQ(f8->to_json()["configuration"], json({{"cname", "zstd"},
                                                  {"clevel", 5},
                                                  {"shuffle", "shuffle"},
                                                  {"typesize", 8},
                                                  {"blocksize", 0}}));
  const auto [f8_typesize, f8_flags] = HeaderMeta(Encode(*f8, data));
  EXPECT_EQ(f8_typesize, 8U);
  EXPECT_EQ(f8_flags & (BLOSC_DOSHUFFLE | BLOSC_DOBITSHUFFLE), BLOSC_DOSHUFFLE);
  const auto u1 = MakeCompressor({{"name", "blosc"}}, MakeSpec(DataType::uint(1), {4096}));
  EXPECT_EQ(u1->to_json()["configuration"]["shuffle"], "bitshuffle");
  EXPECT_EQ(HeaderMeta(Encode(*u1, data)).second & BLOSC_DOBITSHUFFLE, BLOSC_DOBITSHUFFLE);
  // An explicit typesize wins over the data type; shuffle still follows the element size.
  const auto explicit_typesize =
      MakeCompressor({{"name", "blosc"}, {"configuration", {{"typesize", 2}}}},
                     MakeSpec(DataType::int_(8), {512}));
  EXPECT_EQ(HeaderMeta(Encode(*explicit_typesize, data)).first, 2U);
  // numcodecs: AUTOSHUFFLE (-1) follows the typesize; the default shuffle is 1 (byte).
  const auto auto_shuffle =
      MakeCompressor({{"name", "numcodecs.blosc"}, {"configuration", {{"shuffle", -1}}}},
                     MakeSpec(DataType::uint(1), {4096}));
  EXPECT_EQ(HeaderMeta(Encode(*auto_shuffle, data)).second & BLOSC_DOBITSHUFFLE,
            BLOSC_DOBITSHUFFLE);
  const auto numcodecs_default =
      MakeCompressor({{"name", "numcodecs.blosc"}}, MakeSpec(DataType::uint(4), {1024}));
  EXPECT_EQ(numcodecs_default->to_json(), json({{"name", "numcodecs.blosc"},
                                                {"configuration",
                                                 {{"cname", "lz4"},
                                                  {"clevel", 5},
                                                  {"shuffle", 1},
                                                  {"blocksize", 0},
                                                  {"typesize", 4}}}}));
}

TEST(BloscCodecTest, UnresolvedCodecKeepsAbsentFieldsAbsent) {
  const auto codec = make_codec({{"name", "blosc"}, {"configuration", {{"cname", "lz4"}}}});
  EXPECT_EQ(codec->to_json()["configuration"],
            json({{"cname", "lz4"}, {"clevel", 5}, {"blocksize", 0}}));
}

TEST(BloscCodecTest, RejectsInvalidConfiguration) {
  ExpectError(ErrorCode::kInvalidMetadata, {"blosc", "cname", "lz5"},
              [] { make_codec(Blosc("lz5", "shuffle")); });
  ExpectError(ErrorCode::kInvalidMetadata, {"blosc", "shuffle", "byteshuffle"},
              [] { make_codec(Blosc("lz4", "byteshuffle")); });
  ExpectError(ErrorCode::kInvalidMetadata, {"blosc", "clevel", "10"},
              [] { make_codec(Blosc("lz4", "shuffle", 10)); });
  ExpectError(ErrorCode::kInvalidMetadata, {"blosc", "typesize", "0"}, [] {
    make_codec({{"name", "blosc"}, {"configuration", {{"typesize", 0}}}});
  });
  ExpectError(ErrorCode::kInvalidMetadata, {"numcodecs.blosc", "shuffle", "3"}, [] {
    make_codec({{"name", "numcodecs.blosc"}, {"configuration", {{"shuffle", 3}}}});
  });
  ExpectError(ErrorCode::kInvalidMetadata, {"numcodecs.blosc", "shuffle"}, [] {
    make_codec({{"name", "numcodecs.blosc"}, {"configuration", {{"shuffle", "shuffle"}}}});
  });
  ExpectError(ErrorCode::kInvalidMetadata, {"blosc", "unknown", "nthreads"}, [] {
    make_codec({{"name", "blosc"}, {"configuration", {{"nthreads", 4}}}});
  });
}

TEST(BloscCodecTest, RejectsTruncatedAndLyingHeaders) {
  const auto codec = MakeCompressor(Blosc("lz4", "shuffle"), MakeSpec(DataType::uint(2), {2048}));
  const Bytes data = RandomArrayBytes(MakeSpec(DataType::uint(2), {2048}), 4);
  const Bytes encoded = Encode(*codec, data);

  ExpectCorrupt({"blosc", "truncated", "16-byte"}, [&] {
    Bytes out;
    codec->decode(ByteView(encoded.data(), 15), data.size(), out);
  });
  ExpectCorrupt({"blosc", "invalid header"}, [&] {
    Bytes out(data.size());
    codec->decode_into(ByteView(encoded.data(), encoded.size() - 1), out);
  });
  // Header bytes 4-7: decoded size. Claim 1 GiB: a bomb, refused before allocating.
  Bytes bomb = encoded;
  bomb[7] = std::byte{0x40};
  Bytes out;
  ExpectCorrupt({"blosc", "1073745920", std::to_string(data.size())},
                [&] { codec->decode(bomb, data.size(), out); });
  EXPECT_EQ(out.capacity(), 0U);
  // Header bytes 12-15: compressed size. Claim more than there is.
  Bytes long_claim = encoded;
  long_claim[13] = std::byte{0x7f};
  ExpectCorrupt({"blosc", "invalid header"}, [&] { codec->decode(long_claim, data.size(), out); });
  ExpectCorrupt({"blosc", "decoded 4096 bytes", "expected exactly 4000"}, [&] {
    Bytes wrong(4000);
    codec->decode_into(encoded, wrong);
  });
}

TEST(BloscCodecTest, RejectsCorruptBlocks) {
  const auto codec = MakeCompressor(Blosc("zstd", "shuffle"), MakeSpec(DataType::uint(2), {8192}));
  const Bytes data = RandomArrayBytes(MakeSpec(DataType::uint(2), {8192}), 8);
  const Bytes encoded = Encode(*codec, data);
  ASSERT_LT(encoded.size(), data.size()) << "needs compressed blocks to corrupt";
  // Overwrite the block offsets table and the start of the first block with garbage.
  for (size_t start : {size_t{16}, size_t{24}}) {
    Bytes corrupt = encoded;
    for (size_t i = start; i < start + 8 && i < corrupt.size(); ++i) corrupt[i] = std::byte{0xee};
    ExpectCorrupt({"blosc"}, [&] {
      Bytes out(data.size());
      codec->decode_into(corrupt, out);
    });
  }
}

}  // namespace
}  // namespace zarrphase::testing

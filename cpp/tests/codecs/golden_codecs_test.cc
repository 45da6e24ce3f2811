// Golden vectors written by zarr-python 3.4.2 / numcodecs 0.17.1 (cpp/tests/golden/
// generate_codecs.py): every case decodes byte-exactly through a CodecChain built from the
// chain zarr.json holds, and re-encodes to the same bytes where the manifest says it must.
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "support/golden.h"
#include "zarrphase/codec.h"

namespace zarrphase::testing {
// gtest prints parameters of failing tests; the name says everything useful.
void PrintTo(const GoldenCodecCase& golden, std::ostream* os) { *os << golden.name; }

namespace {

std::string CaseName(const ::testing::TestParamInfo<GoldenCodecCase>& info) {
  return info.param.name;
}

// Blanks the byte ranges a re-encoding is allowed to differ in.
Bytes Masked(Bytes bytes, const std::vector<std::pair<size_t, size_t>>& ranges) {
  for (auto [begin, end] : ranges) {
    for (size_t i = begin; i < end && i < bytes.size(); ++i) bytes[i] = std::byte{0};
  }
  return bytes;
}

size_t FirstDifference(const Bytes& a, const Bytes& b) {
  return static_cast<size_t>(std::mismatch(a.begin(), a.end(), b.begin(), b.end()).first -
                             a.begin());
}

class GoldenCodecsTest : public ::testing::TestWithParam<GoldenCodecCase> {
 protected:
  CodecChain Chain() const {
    const auto& golden = GetParam();
    ChunkSpec spec;
    spec.dtype = golden.dtype;
    spec.shape = golden.shape;
    spec.fill_value = FillValue::zero(golden.dtype);
    return CodecChain::from_json(golden.codecs, spec);
  }
};

TEST_P(GoldenCodecsTest, DecodesExactly) {
  const auto& golden = GetParam();
  const CodecChain chain = Chain();
  ASSERT_EQ(chain.decoded_spec().num_bytes(), golden.decoded.size());
  Bytes decoded(golden.decoded.size(), std::byte{0xA5});
  chain.decode(golden.encoded, decoded);
  EXPECT_TRUE(decoded == golden.decoded)
      << "first difference at byte " << FirstDifference(decoded, golden.decoded);
}

TEST_P(GoldenCodecsTest, ReencodesIdenticallyWhereDeterministic) {
  const auto& golden = GetParam();
  const CodecChain chain = Chain();
  const Bytes encoded = chain.encode(golden.decoded);
  EXPECT_LE(encoded.size(), chain.max_encoded_size());
  if (!golden.reencode_identical) {
    // Not byte-comparable (see the manifest note), but it must still read back.
    Bytes decoded(golden.decoded.size());
    chain.decode(encoded, decoded);
    EXPECT_TRUE(decoded == golden.decoded) << golden.note;
    return;
  }
  const Bytes ours = Masked(encoded, golden.ignore_byte_ranges);
  const Bytes theirs = Masked(golden.encoded, golden.ignore_byte_ranges);
  EXPECT_EQ(ours.size(), theirs.size()) << golden.note;
  EXPECT_TRUE(ours == theirs) << "first difference at byte " << FirstDifference(ours, theirs)
                              << "; " << golden.note;
}

INSTANTIATE_TEST_SUITE_P(ZarrPython, GoldenCodecsTest, ::testing::ValuesIn(LoadGoldenCodecCases()),
                         CaseName);

TEST(GoldenCodecsManifestTest, CoversEveryCompressor) {
  std::vector<std::string> names;
  for (const auto& golden : LoadGoldenCodecCases()) {
    for (const auto& codec : golden.codecs) names.push_back(codec.at("name").get<std::string>());
  }
  for (const char* expected :
       {"gzip", "zstd", "blosc", "crc32c", "numcodecs.zlib", "numcodecs.gzip", "numcodecs.zstd",
        "numcodecs.blosc", "numcodecs.lz4"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
}

}  // namespace
}  // namespace zarrphase::testing

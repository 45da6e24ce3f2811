#include "support/round_trip.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "zarrphase/fill_value.h"

namespace zarrphase::testing {
namespace {

// splitmix64: tiny, deterministic on every platform, good enough for test data.
uint64_t NextRandom(uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// One element's bytes: small values (high bytes mostly zero) so data compresses, with an
// occasional fully random element so every byte position sees every value.
void FillElement(DataType dtype, uint64_t& state, std::byte* element) {
  const uint32_t size = dtype.size();
  if (dtype.kind() == DataTypeKind::kBool) {
    element[0] = static_cast<std::byte>(NextRandom(state) & 1U);
    return;
  }
  const bool fully_random = NextRandom(state) % 8 == 0;
  for (uint32_t i = 0; i < size; ++i) {
    const uint64_t r = NextRandom(state);
    const bool low_byte = i == 0 || (dtype.kind() == DataTypeKind::kComplex && i == size / 2);
    const uint64_t value = fully_random ? r : (low_byte ? r % 16 : 0);
    element[i] = static_cast<std::byte>(value & 0xFFU);
  }
}

}  // namespace

std::vector<DataType> AllDataTypes() {
  return {
      DataType::boolean(),   DataType::int_(1),     DataType::int_(2),     DataType::int_(4),
      DataType::int_(8),     DataType::uint(1),     DataType::uint(2),     DataType::uint(4),
      DataType::uint(8),     DataType::float_(2),   DataType::float_(4),   DataType::float_(8),
      DataType::complex(8),  DataType::complex(16), DataType::raw_bits(1), DataType::raw_bits(3),
      DataType::raw_bits(8),
  };
}

Bytes RandomArrayBytes(const ChunkSpec& spec, uint64_t seed) {
  const uint32_t element_size = spec.dtype.size();
  const uint64_t count = spec.num_elements();
  Bytes out(spec.num_bytes());
  uint64_t state = seed;
  for (uint64_t i = 0; i < count;) {
    // A run of 1..8 equal elements.
    std::byte* first = out.data() + i * element_size;
    FillElement(spec.dtype, state, first);
    const uint64_t run = std::min<uint64_t>(1 + NextRandom(state) % 8, count - i);
    for (uint64_t j = 1; j < run; ++j) {
      std::memcpy(first + j * element_size, first, element_size);
    }
    i += run;
  }
  return out;
}

ChunkSpec MakeSpec(DataType dtype, std::vector<uint64_t> shape) {
  return ChunkSpec{dtype, std::move(shape), FillValue::zero(dtype)};
}

Bytes ExpectRoundTrip(const nlohmann::json& codecs, const ChunkSpec& spec, uint64_t seed) {
  SCOPED_TRACE("codecs " + codecs.dump() + ", dtype " + spec.dtype.name());
  const CodecChain chain = CodecChain::from_json(codecs, spec);
  const Bytes decoded = RandomArrayBytes(spec, seed);
  Bytes encoded = chain.encode(decoded);
  if (const auto size = chain.encoded_size()) {
    EXPECT_EQ(encoded.size(), *size) << "encoded_size() disagrees with encode()";
  }
  EXPECT_LE(encoded.size(), chain.max_encoded_size()) << "encoding exceeds max_encoded_size()";

  Bytes round_tripped(decoded.size());
  // Poison the output so a decoder that skips bytes is caught.
  std::fill(round_tripped.begin(), round_tripped.end(), std::byte{0xA5});
  chain.decode(encoded, round_tripped);
  EXPECT_TRUE(round_tripped == decoded) << "decode(encode(x)) != x";
  return encoded;
}

}  // namespace zarrphase::testing

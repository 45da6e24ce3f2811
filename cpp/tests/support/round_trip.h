// Shared round-trip helper for codec tests: every codec test builds a chain, pushes
// deterministic data through encode and decode, and checks the result (tensorstore's
// codec_test_util plays the same role).
#ifndef ZARRPHASE_TESTS_SUPPORT_ROUND_TRIP_H_
#define ZARRPHASE_TESTS_SUPPORT_ROUND_TRIP_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "zarrphase/buffer.h"
#include "zarrphase/codec.h"
#include "zarrphase/dtype.h"

namespace zarrphase::testing {

// Every data type the core runs natively, including raw bits r8, r24 and r64.
std::vector<DataType> AllDataTypes();

// spec.num_bytes() deterministic bytes for `seed`: runs of repeated elements with mostly-small
// values, so compressors have something to compress, and valid values (0/1) for bool.
Bytes RandomArrayBytes(const ChunkSpec& spec, uint64_t seed);

// A spec with a zero fill value.
ChunkSpec MakeSpec(DataType dtype, std::vector<uint64_t> shape);

// Builds the chain from `codecs` for `spec`, encodes random data, decodes, expects equality;
// also checks encoded_size() when the chain reports one, and that the encoding fits in
// max_encoded_size(). Returns the encoded bytes.
Bytes ExpectRoundTrip(const nlohmann::json& codecs, const ChunkSpec& spec, uint64_t seed = 1);

}  // namespace zarrphase::testing

#endif  // ZARRPHASE_TESTS_SUPPORT_ROUND_TRIP_H_

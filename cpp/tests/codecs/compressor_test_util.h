// Helpers shared by the compressor tests: build one resolved bytes->bytes codec from JSON, and
// check that a call fails with the error code and message a caller would see.
#ifndef ZARRPHASE_TESTS_CODECS_COMPRESSOR_TEST_UTIL_H_
#define ZARRPHASE_TESTS_CODECS_COMPRESSOR_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "support/expect_error.h"
#include "support/round_trip.h"
#include "zarrphase/codec.h"
#include "zarrphase/error.h"

namespace zarrphase::testing {

inline std::shared_ptr<const BytesToBytesCodec> MakeCompressor(const nlohmann::json& json,
                                                               const ChunkSpec& spec) {
  auto codec = std::dynamic_pointer_cast<const BytesToBytesCodec>(make_codec(json));
  if (!codec) throw std::runtime_error("not a bytes->bytes codec: " + json.dump());
  return codec->resolve(spec);
}

inline std::shared_ptr<const BytesToBytesCodec> MakeCompressor(const nlohmann::json& json) {
  return MakeCompressor(json, MakeSpec(DataType::uint(2), {16}));
}

// `{"name":"bytes",...}` followed by `compressor`: the smallest chain that holds it.
inline nlohmann::json ChainWith(const nlohmann::json& compressor) {
  return nlohmann::json::array(
      {{{"name", "bytes"}, {"configuration", {{"endian", "little"}}}}, compressor});
}

// The codec tests name the code first; the check is support/expect_error.h's.
template <typename Call>
void ExpectError(ErrorCode code, std::initializer_list<std::string_view> fragments, Call&& call) {
  ExpectError(std::forward<Call>(call), code, fragments);
}

template <typename Call>
void ExpectCorrupt(std::initializer_list<std::string_view> fragments, Call&& call) {
  ExpectError(ErrorCode::kCorruptData, fragments, std::forward<Call>(call));
}

inline Bytes BytesOf(std::initializer_list<int> values) {
  Bytes bytes;
  for (int value : values) bytes.push_back(static_cast<std::byte>(value));
  return bytes;
}

inline Bytes Concat(ByteView a, ByteView b) {
  Bytes joined(a.begin(), a.end());
  joined.insert(joined.end(), b.begin(), b.end());
  return joined;
}

}  // namespace zarrphase::testing

#endif  // ZARRPHASE_TESTS_CODECS_COMPRESSOR_TEST_UTIL_H_

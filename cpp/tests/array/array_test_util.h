// Shared by the Array API tests: metadata documents built the way zarr-python writes them.
#ifndef ZARRPHASE_TESTS_ARRAY_ARRAY_TEST_UTIL_H_
#define ZARRPHASE_TESTS_ARRAY_ARRAY_TEST_UTIL_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "zarrphase/metadata.h"

namespace zarrphase::testing {

inline nlohmann::json BytesCodecJson() {
  return {{"name", "bytes"}, {"configuration", {{"endian", "little"}}}};
}

inline nlohmann::json ShardingCodecJson(const std::vector<uint64_t>& subchunk_shape,
                                        nlohmann::json inner_codecs) {
  return {{"name", "sharding_indexed"},
          {"configuration",
           {{"chunk_shape", subchunk_shape},
            {"codecs", std::move(inner_codecs)},
            {"index_codecs", nlohmann::json::array({BytesCodecJson(), {{"name", "crc32c"}}})},
            {"index_location", "end"}}}};
}

inline ArrayMetadata MakeMetadata(const std::vector<uint64_t>& shape,
                                  const std::vector<uint64_t>& chunk_shape,
                                  const std::string& data_type, nlohmann::json codecs,
                                  nlohmann::json fill_value = 0) {
  return ArrayMetadata::from_v3_json({
      {"zarr_format", 3},
      {"node_type", "array"},
      {"shape", shape},
      {"data_type", data_type},
      {"chunk_grid", {{"name", "regular"}, {"configuration", {{"chunk_shape", chunk_shape}}}}},
      {"chunk_key_encoding", {{"name", "default"}, {"configuration", {{"separator", "/"}}}}},
      {"fill_value", std::move(fill_value)},
      {"codecs", std::move(codecs)},
      {"attributes", nlohmann::json::object()},
  });
}

}  // namespace zarrphase::testing

#endif  // ZARRPHASE_TESTS_ARRAY_ARRAY_TEST_UTIL_H_

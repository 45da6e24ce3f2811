// Loader for the golden fixtures under cpp/tests/golden/: files written by zarr-python and
// numcodecs (see the generate_*.py scripts next to them) that our code must read byte-exactly.
#ifndef ZARRPHASE_TESTS_SUPPORT_GOLDEN_H_
#define ZARRPHASE_TESTS_SUPPORT_GOLDEN_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "zarrphase/buffer.h"
#include "zarrphase/dtype.h"

namespace zarrphase::testing {

// ZARRPHASE_GOLDEN_DIR "/" subdir, e.g. GoldenDir("codecs").
std::string GoldenDir(std::string_view subdir);

// The whole file; throws std::runtime_error naming the path when it cannot be read.
Bytes ReadFileBytes(const std::string& path);
nlohmann::json ReadJsonFile(const std::string& path);

// One chunk of cpp/tests/golden/codecs/manifest.json with its two data files.
struct GoldenCodecCase {
  std::string name;
  nlohmann::json codecs;  // the chain as zarr.json holds it
  DataType dtype;
  std::vector<uint64_t> shape;
  // Whether encoding `decoded` must give `encoded` again (outside ignore_byte_ranges).
  bool reencode_identical = false;
  // [begin, end) byte ranges of `encoded` a re-encoding may differ in (gzip's MTIME).
  std::vector<std::pair<size_t, size_t>> ignore_byte_ranges;
  std::string note;
  Bytes decoded;  // C-ordered native-endian array bytes
  Bytes encoded;  // the stored chunk
};

// Every case of GoldenDir("codecs")/manifest.json, data files loaded.
std::vector<GoldenCodecCase> LoadGoldenCodecCases();

}  // namespace zarrphase::testing

#endif  // ZARRPHASE_TESTS_SUPPORT_GOLDEN_H_

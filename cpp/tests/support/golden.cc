#include "support/golden.h"

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace zarrphase::testing {

std::string GoldenDir(std::string_view subdir) {
  return std::string(ZARRPHASE_GOLDEN_DIR) + "/" + std::string(subdir);
}

Bytes ReadFileBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot open golden file " + path);
  const std::string contents((std::istreambuf_iterator<char>(file)),
                             std::istreambuf_iterator<char>());
  if (file.bad()) throw std::runtime_error("cannot read golden file " + path);
  return to_bytes(contents);
}

nlohmann::json ReadJsonFile(const std::string& path) {
  return nlohmann::json::parse(as_string_view(ReadFileBytes(path)));
}

std::vector<GoldenCodecCase> LoadGoldenCodecCases() {
  const std::string dir = GoldenDir("codecs");
  const nlohmann::json manifest = ReadJsonFile(dir + "/manifest.json");
  std::vector<GoldenCodecCase> cases;
  for (const auto& entry : manifest.at("cases")) {
    GoldenCodecCase golden;
    golden.name = entry.at("name").get<std::string>();
    golden.codecs = entry.at("codecs");
    golden.dtype = DataType::from_v3_name(entry.at("data_type").get<std::string>());
    golden.shape = entry.at("shape").get<std::vector<uint64_t>>();
    golden.reencode_identical = entry.at("reencode_identical").get<bool>();
    for (const auto& range : entry.value("ignore_byte_ranges", nlohmann::json::array())) {
      golden.ignore_byte_ranges.emplace_back(range.at(0).get<size_t>(), range.at(1).get<size_t>());
    }
    golden.note = entry.value("note", "");
    golden.decoded = ReadFileBytes(dir + "/" + golden.name + ".decoded.bin");
    golden.encoded = ReadFileBytes(dir + "/" + golden.name + ".encoded.bin");
    cases.push_back(std::move(golden));
  }
  return cases;
}

}  // namespace zarrphase::testing

#include "format/base64.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace zarrphase::format {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> make_decode_table() {
  std::array<int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}
constexpr std::array<int8_t, 256> kDecodeTable = make_decode_table();

}  // namespace

std::string base64_encode(ByteView data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (size_t i = 0; i < data.size(); i += 3) {
    const size_t n = std::min<size_t>(3, data.size() - i);
    uint32_t group = 0;
    for (size_t j = 0; j < 3; ++j) {
      group = (group << 8) | (j < n ? std::to_integer<uint32_t>(data[i + j]) : 0u);
    }
    for (size_t j = 0; j < 4; ++j) {
      out += j <= n ? kAlphabet[(group >> (18 - 6 * j)) & 0x3fu] : '=';
    }
  }
  return out;
}

std::optional<Bytes> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    size_t padding = 0;
    uint32_t group = 0;
    for (size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && last && j >= 2) {
        ++padding;
        group <<= 6;
        continue;
      }
      const int8_t value = kDecodeTable[static_cast<unsigned char>(c)];
      if (value < 0 || padding > 0) return std::nullopt;  // bad character or data after '='
      group = (group << 6) | static_cast<uint32_t>(value);
    }
    // Unused low bits of the last sextet must be zero for the encoding to be canonical.
    if ((padding == 1 && (group & 0xffu) != 0) || (padding == 2 && (group & 0xffffu) != 0)) {
      return std::nullopt;
    }
    for (size_t j = 0; j < 3 - padding; ++j) {
      out.push_back(static_cast<std::byte>((group >> (16 - 8 * j)) & 0xffu));
    }
  }
  return out;
}

}  // namespace zarrphase::format

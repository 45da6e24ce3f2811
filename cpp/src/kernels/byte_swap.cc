#include "kernels/byte_swap.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "zarrphase/error.h"

namespace zarrphase::kernels {
namespace {

// memcpy in and out of a register keeps the loads aligned-agnostic (no type punning) and lets
// the compiler vectorise the loop into shuffles.
template <typename Word, Word (*Swap)(Word)>
void swap_words(const std::byte* in, std::byte* out, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    Word word;
    std::memcpy(&word, in + i * sizeof(Word), sizeof(Word));
    word = Swap(word);
    std::memcpy(out + i * sizeof(Word), &word, sizeof(Word));
  }
}

uint16_t swap16(uint16_t v) { return __builtin_bswap16(v); }
uint32_t swap32(uint32_t v) { return __builtin_bswap32(v); }
uint64_t swap64(uint64_t v) { return __builtin_bswap64(v); }

}  // namespace

void byte_swap(ByteView in, MutableByteView out, uint32_t unit) {
  if (in.size() != out.size() || unit == 0 || in.size() % unit != 0) {
    throw_invalid_argument("byte_swap: " + std::to_string(in.size()) + " bytes in, " +
                           std::to_string(out.size()) + " bytes out, unit " + std::to_string(unit));
  }
  const size_t count = in.size() / unit;
  switch (unit) {
    case 1:
      if (in.data() != out.data()) std::copy(in.begin(), in.end(), out.begin());
      return;
    case 2:
      return swap_words<uint16_t, swap16>(in.data(), out.data(), count);
    case 4:
      return swap_words<uint32_t, swap32>(in.data(), out.data(), count);
    case 8:
      return swap_words<uint64_t, swap64>(in.data(), out.data(), count);
    default:
      break;
  }
  // Odd units (e.g. a float128 component): reverse each group; a pairwise swap works in place.
  for (size_t i = 0; i < count; ++i) {
    const std::byte* src = in.data() + i * unit;
    std::byte* dst = out.data() + i * unit;
    for (uint32_t lo = 0; lo < (unit + 1) / 2; ++lo) {
      const uint32_t hi = unit - 1 - lo;
      const std::byte a = src[lo];
      const std::byte b = src[hi];
      dst[lo] = b;
      dst[hi] = a;
    }
  }
}

}  // namespace zarrphase::kernels

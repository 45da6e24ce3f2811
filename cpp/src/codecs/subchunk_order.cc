#include "codecs/subchunk_order.h"

#include <algorithm>
#include <bit>
#include <string>
#include <utility>

#include "zarrphase/error.h"

namespace zarrphase::codecs {

std::vector<uint64_t> morton_order(std::span<const uint64_t> shape) {
  const size_t rank = shape.size();
  uint64_t count = 1;
  for (const uint64_t extent : shape) count = extent == 0 ? 0 : count * extent;
  if (count == 0) return {};

  // Bits needed per dimension: (extent - 1).bit_length(), 0 for extent 1.
  std::vector<int> bits(rank);
  int total_bits = 0;
  int max_bits = 0;
  for (size_t d = 0; d < rank; ++d) {
    bits[d] = static_cast<int>(std::bit_width(shape[d] - 1));
    total_bits += bits[d];
    max_bits = std::max(max_bits, bits[d]);
  }
  if (total_bits > 64) {
    throw_unsupported("sharding_indexed: a grid of " + std::to_string(count) +
                      " subchunks needs Morton codes wider than 64 bits");
  }

  std::vector<std::pair<uint64_t, uint64_t>> coded(count);  // (code, linear index)
  std::vector<uint64_t> coords(rank, 0);
  for (uint64_t linear = 0; linear < count; ++linear) {
    uint64_t code = 0;
    int out_bit = 0;
    for (int b = 0; b < max_bits; ++b) {
      for (size_t d = 0; d < rank; ++d) {
        if (b < bits[d]) code |= ((coords[d] >> b) & 1U) << out_bit++;
      }
    }
    coded[linear] = {code, linear};
    for (size_t d = rank; d-- > 0;) {  // next C-order coordinate
      if (++coords[d] < shape[d]) break;
      coords[d] = 0;
    }
  }
  std::sort(coded.begin(), coded.end());
  std::vector<uint64_t> order(count);
  for (uint64_t i = 0; i < count; ++i) order[i] = coded[i].second;
  return order;
}

}  // namespace zarrphase::codecs

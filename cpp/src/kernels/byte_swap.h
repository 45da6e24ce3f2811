// Byte-order reversal of fixed-size units: how the `bytes` codec turns native-endian elements
// into the stored byte order and back.
#ifndef ZARRPHASE_KERNELS_BYTE_SWAP_H_
#define ZARRPHASE_KERNELS_BYTE_SWAP_H_

#include <cstdint>

#include "zarrphase/buffer.h"

namespace zarrphase::kernels {

// Writes `in` to `out` with the bytes of every `unit`-byte group reversed. `in` and `out` have
// the same size, a multiple of `unit`, and either do not overlap or are the same buffer.
void byte_swap(ByteView in, MutableByteView out, uint32_t unit);

}  // namespace zarrphase::kernels

#endif  // ZARRPHASE_KERNELS_BYTE_SWAP_H_

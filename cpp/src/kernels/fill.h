// Filling arrays and boxes with one element's bytes (the fill value of missing chunks).
#ifndef ZARRPHASE_KERNELS_FILL_H_
#define ZARRPHASE_KERNELS_FILL_H_

#include <cstdint>
#include <span>

#include "kernels/box_copy.h"
#include "zarrphase/buffer.h"

namespace zarrphase::kernels {

// Repeats `element` over all of `out`; out.size() must be a multiple of element.size().
void fill_elements(MutableByteView out, ByteView element);

// Fills the `extent`-shaped box at dst.origin of dst with `element` (its size is the element
// size). Bounds are checked as in copy_box.
void fill_box(const MutableBox& dst, std::span<const uint64_t> extent, ByteView element);

}  // namespace zarrphase::kernels

#endif  // ZARRPHASE_KERNELS_FILL_H_

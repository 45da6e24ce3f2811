// The orders a shard's subchunks can be written in.
#ifndef ZARRPHASE_CODECS_SUBCHUNK_ORDER_H_
#define ZARRPHASE_CODECS_SUBCHUNK_ORDER_H_

#include <cstdint>
#include <span>
#include <vector>

namespace zarrphase::codecs {

// Linear (C-order) indices of a grid of `shape` sorted by compressed Morton code: bit b of every
// coordinate that still has a bit b is interleaved, dimension 0 lowest, as zarr-python's
// morton_order_coords (and neuroglancer's compressed Morton code) does. Throws kUnsupported for
// grids whose codes do not fit in 64 bits.
std::vector<uint64_t> morton_order(std::span<const uint64_t> shape);

}  // namespace zarrphase::codecs

#endif  // ZARRPHASE_CODECS_SUBCHUNK_ORDER_H_

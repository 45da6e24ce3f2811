// Copies of N-d boxes between C-ordered arrays: how a shard's inner chunks are scattered into
// (decode) and gathered from (encode) the shard, and later how the engine scatters chunks into
// a caller's output.
#ifndef ZARRPHASE_KERNELS_BOX_COPY_H_
#define ZARRPHASE_KERNELS_BOX_COPY_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "zarrphase/buffer.h"

namespace zarrphase::kernels {

// An N-d array of `shape` C-ordered elements in `data`, with a box [origin, origin + box) in it.
struct ConstBox {
  ByteView data;
  std::span<const uint64_t> shape;
  std::span<const uint64_t> origin;
};
struct MutableBox {
  MutableByteView data;
  std::span<const uint64_t> shape;
  std::span<const uint64_t> origin;
};

// Copies the `extent`-shaped box at src.origin of src to dst.origin of dst. Ranks must agree,
// both boxes must lie inside their arrays and the buffers must hold their whole arrays, or it
// throws kInvalidArgument. Contiguous runs are copied with one memcpy each.
void copy_box(const ConstBox& src, const MutableBox& dst, std::span<const uint64_t> extent,
              size_t element_size);

// True when the `extent`-shaped box is one contiguous run of a C-ordered array of `shape`:
// leading dimensions of extent 1, then at most one partial dimension, then full dimensions.
bool box_is_contiguous(std::span<const uint64_t> shape, std::span<const uint64_t> extent);

}  // namespace zarrphase::kernels

#endif  // ZARRPHASE_KERNELS_BOX_COPY_H_

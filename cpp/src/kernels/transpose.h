// N-d transposition of C-ordered arrays of fixed-size elements (raw bytes; the element type does
// not matter, only its size). Used by the `transpose` codec and for Fortran-ordered v2 arrays.
#ifndef ZARRPHASE_KERNELS_TRANSPOSE_H_
#define ZARRPHASE_KERNELS_TRANSPOSE_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "zarrphase/buffer.h"

namespace zarrphase::kernels {

// out = numpy.transpose(in, order): `in` is a C-ordered array of `shape`, and dimension i of the
// C-ordered `out` is dimension order[i] of `in`. `order` must be a permutation of
// 0..shape.size()-1 and both buffers must hold exactly product(shape) * element_size bytes;
// anything else throws kInvalidArgument. `in` and `out` must not overlap.
void transpose(ByteView in, std::span<const uint64_t> shape, std::span<const size_t> order,
               size_t element_size, MutableByteView out);

}  // namespace zarrphase::kernels

#endif  // ZARRPHASE_KERNELS_TRANSPOSE_H_

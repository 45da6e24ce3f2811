// "Is this chunk entirely the fill value?" with zarr-python's rule (chunk_is_empty), so that
// writers skip the same chunks zarr-python skips and shards come out byte-identical.
#ifndef ZARRPHASE_KERNELS_ALL_EQUAL_H_
#define ZARRPHASE_KERNELS_ALL_EQUAL_H_

#include "zarrphase/buffer.h"
#include "zarrphase/dtype.h"

namespace zarrphase::kernels {

// True when every element of `data` (native-endian elements of `dtype`) equals `fill` (one
// element) the way zarr-python 3.4 compares them: bitwise for integers, bool, raw bits and
// floats (so -0.0 is not 0.0), except that a NaN fill matches any NaN; complex numbers compare
// by value per component (so -0.0 matches 0.0) and a NaN fill matches any element with a NaN
// component. Empty data is all-equal.
bool all_equal_fill(ByteView data, DataType dtype, ByteView fill);

}  // namespace zarrphase::kernels

#endif  // ZARRPHASE_KERNELS_ALL_EQUAL_H_

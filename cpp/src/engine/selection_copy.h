// Moving selected elements between a C-ordered chunk and a caller's strided array, for reads
// (gather: chunk -> output) and writes (scatter: value -> chunk), with orthogonal and pointwise
// selections (zarrphase/selection.h).
#ifndef ZARRPHASE_ENGINE_SELECTION_COPY_H_
#define ZARRPHASE_ENGINE_SELECTION_COPY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "zarrphase/buffer.h"
#include "zarrphase/selection.h"

namespace zarrphase::engine {

// Throws kInvalidArgument (naming the dimension and value) unless `selection` is well formed for
// a chunk of `chunk_shape` and a caller's array of `caller_shape`: ranks and counts agree, every
// position is inside its array, steps are positive, pointwise lists have one length. A caller
// dimension marked `drop` is one fixed place that pairs with no chunk dimension (in pointwise
// selections too, beside the one dimension that receives the points).
void validate_selection(const ChunkSelection& selection, std::span<const uint64_t> chunk_shape,
                        std::span<const uint64_t> caller_shape);

// True when `selection` covers every element of a chunk of `chunk_shape`.
bool selects_whole_chunk(const ChunkSelection& selection, std::span<const uint64_t> chunk_shape);

// When the selection is the whole chunk and its destination in `out` is one C-contiguous run,
// that run (chunk.num_bytes long), so a decoder can write straight into the output.
std::optional<MutableByteView> contiguous_destination(const ChunkSelection& selection,
                                                      std::span<const uint64_t> chunk_shape,
                                                      const StridedArray& out, size_t element_size);

// Copies the selected elements of `chunk` (C order, `chunk_shape`) to their places in `out`.
// gather and scatter validate first and copy in the selection's C order, so where indices repeat
// the last one wins, as in numpy.
void gather(ByteView chunk, std::span<const uint64_t> chunk_shape, const ChunkSelection& selection,
            const StridedArray& out, size_t element_size);

// Copies the selected places of `value` into the selected elements of `chunk`.
void scatter(const StridedArray& value, const ChunkSelection& selection, MutableByteView chunk,
             std::span<const uint64_t> chunk_shape, size_t element_size);

// Sets the selected places of `out` to `element` (one element's bytes), e.g. the fill value.
void fill_selected(const ChunkSelection& selection, const StridedArray& out, ByteView element);

// The part of `selection` that falls inside the box [origin, origin + extent) of the chunk,
// re-expressed relative to the box (so it selects from a subchunk of shape `extent`), with the
// matching caller-side positions; nullopt when nothing of the selection is inside. The caller
// side keeps its shape, so gather/scatter with the result address the same caller array.
std::optional<ChunkSelection> restrict_to_box(const ChunkSelection& selection,
                                              std::span<const uint64_t> origin,
                                              std::span<const uint64_t> extent);

}  // namespace zarrphase::engine

#endif  // ZARRPHASE_ENGINE_SELECTION_COPY_H_

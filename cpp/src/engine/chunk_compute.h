// The compute of one plain chunk (or subchunk): decode into the caller's output, fill missing
// places, and merge-and-encode for writes with zarr-python's empty-chunk rule.
#ifndef ZARRPHASE_ENGINE_CHUNK_COMPUTE_H_
#define ZARRPHASE_ENGINE_CHUNK_COMPUTE_H_

#include <optional>

#include "engine/chain_levels.h"
#include "zarrphase/buffer.h"
#include "zarrphase/engine.h"
#include "zarrphase/selection.h"

namespace zarrphase::engine {

// Decodes `encoded` (a plain level's chunk) and copies `selection` of it into `out`: straight
// into the output when the selection is one contiguous run there, else through a scratch
// buffer reused by the thread. A trivial level's bytes are copied without a decode.
// `may_cover` false says the selection is known not to cover the chunk (skips the run check).
void decode_into(const ChainLevel& level, ByteView encoded, const ChunkSelection& selection,
                 const StridedArray& out, bool verify_checksums, bool may_cover = true);

// Sets the places `selection` names in `out` to the level's fill value.
void fill_into(const ChainLevel& level, const ChunkSelection& selection, const StridedArray& out);

// A new encoding: bytes of its own or shared with other chunks (a broadcast scalar's), or not
// stored at all (every element is the fill value and write_empty_chunks is off).
struct EncodedChunk {
  bool stored = false;
  Bytes owned;
  const Bytes* shared = nullptr;
  ByteView view() const { return shared != nullptr ? ByteView(*shared) : ByteView(owned); }
};

// The new encoding of a plain chunk whose old encoding is `old` (nullopt: missing or not
// needed because `whole` says the selection covers it) with `selection` of `value` written.
void encode_plain(const ChainLevel& level, const EngineOptions& options,
                  std::optional<ByteView> old, const ChunkSelection& selection, bool whole,
                  const StridedArray& value, EncodedChunk& result);

}  // namespace zarrphase::engine

#endif  // ZARRPHASE_ENGINE_CHUNK_COMPUTE_H_

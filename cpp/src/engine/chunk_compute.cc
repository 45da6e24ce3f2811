#include "engine/chunk_compute.h"

#include <cstring>
#include <string>

#include "codecs/crc32c_codec.h"
#include "engine/selection_copy.h"
#include "kernels/all_equal.h"
#include "kernels/fill.h"
#include "zarrphase/error.h"

namespace zarrphase::engine {
namespace {

// The decoded bytes of a trivial level's chunk: its encoding minus checksums.
ByteView trivial_payload(const ChainLevel& level, ByteView encoded, bool verify_checksums) {
  const ByteView payload = strip_checksums(encoded, level.trivial_checksums, verify_checksums);
  if (payload.size() != level.decoded_bytes) {
    const ChunkSpec& spec = level.spec();
    throw_corrupt("bytes: encoded chunk has " + std::to_string(payload.size()) +
                  " bytes, expected " + std::to_string(level.decoded_bytes) + " for " +
                  std::to_string(spec.num_elements()) + " elements of " + spec.dtype.name());
  }
  return payload;
}

// The whole decoded chunk in `array`, from its encoding.
void decode_whole(const ChainLevel& level, ByteView encoded, MutableByteView array,
                  bool verify_checksums) {
  if (level.trivial) {
    const ByteView payload = trivial_payload(level, encoded, verify_checksums);
    if (!payload.empty()) std::memcpy(array.data(), payload.data(), payload.size());
    return;
  }
  level.chain->decode(encoded, array, verify_checksums);
}

// A per-thread buffer of `size` bytes, kept between chunks so steady-state decoding touches no
// fresh pages. Contents are undefined.
MutableByteView scratch(size_t slot, uint64_t size) {
  thread_local Bytes buffers[2];
  buffers[slot].resize(size);
  return buffers[slot];
}

}  // namespace

void decode_into(const ChainLevel& level, ByteView encoded, const ChunkSelection& selection,
                 const StridedArray& out, bool verify_checksums, bool may_cover) {
  const std::vector<uint64_t>& shape = level.spec().shape;
  std::optional<MutableByteView> run;
  if (may_cover) run = contiguous_destination(selection, shape, out, level.element_size);
  if (run && run->size() == level.decoded_bytes) {
    decode_whole(level, encoded, *run, verify_checksums);
    return;
  }
  if (level.trivial) {
    gather(trivial_payload(level, encoded, verify_checksums), shape, selection, out,
           level.element_size);
    return;
  }
  const MutableByteView chunk = scratch(0, level.decoded_bytes);
  level.chain->decode(encoded, chunk, verify_checksums);
  gather(chunk, shape, selection, out, level.element_size);
}

void fill_into(const ChainLevel& level, const ChunkSelection& selection, const StridedArray& out) {
  fill_selected(selection, out, level.spec().fill_value.bytes());
}

namespace {

// A trivial level's encoding is the array itself plus checksums: merge straight into the
// output buffer and append them, one pass over the bytes instead of a copy per codec.
void encode_trivial(const ChainLevel& level, const EngineOptions& options,
                    std::optional<ByteView> old, const ChunkSelection& selection, bool whole,
                    const StridedArray& value, EncodedChunk& result) {
  const ChunkSpec& spec = level.spec();
  const uint64_t size = level.decoded_bytes;
  Bytes& out = result.owned;
  out.resize(size + level.trivial_checksums * codecs::Crc32cCodec::kChecksumSize);
  const MutableByteView array(out.data(), size);
  std::optional<MutableByteView> run;
  if (whole) run = contiguous_destination(selection, spec.shape, value, level.element_size);
  if (run && run->size() == size) {
    if (size > 0) std::memcpy(array.data(), run->data(), size);
  } else {
    if (!whole) {
      if (old) {
        decode_whole(level, *old, array, options.validate_checksums);
      } else {
        kernels::fill_elements(array, spec.fill_value.bytes());
      }
    }
    scatter(value, selection, array, spec.shape, level.element_size);
  }
  result.shared = nullptr;
  if (!options.write_empty_chunks &&
      kernels::all_equal_fill(array, spec.dtype, spec.fill_value.bytes())) {
    result.stored = false;
    out.clear();
    return;
  }
  for (size_t i = 0; i < level.trivial_checksums; ++i) {
    const uint64_t covered = size + i * codecs::Crc32cCodec::kChecksumSize;
    const uint32_t crc = codecs::crc32c(ByteView(out.data(), covered));
    for (size_t b = 0; b < codecs::Crc32cCodec::kChecksumSize; ++b) {
      out[covered + b] = static_cast<std::byte>((crc >> (8 * b)) & 0xFFU);  // little-endian
    }
  }
  result.stored = true;
}

}  // namespace

void encode_plain(const ChainLevel& level, const EngineOptions& options,
                  std::optional<ByteView> old, const ChunkSelection& selection, bool whole,
                  const StridedArray& value, EncodedChunk& result) {
  if (level.trivial) {
    encode_trivial(level, options, old, selection, whole, value, result);
    return;
  }
  const ChunkSpec& spec = level.spec();
  ByteView array;
  std::optional<MutableByteView> run;
  if (whole) run = contiguous_destination(selection, spec.shape, value, level.element_size);
  if (run && run->size() == level.decoded_bytes) {
    array = *run;  // the value already holds the chunk in C order: encode it where it is
  } else {
    const MutableByteView chunk = scratch(1, level.decoded_bytes);
    if (!whole) {
      if (old) {
        decode_whole(level, *old, chunk, options.validate_checksums);
      } else {
        kernels::fill_elements(chunk, spec.fill_value.bytes());
      }
    }
    scatter(value, selection, chunk, spec.shape, level.element_size);
    array = chunk;
  }
  result.shared = nullptr;
  if (!options.write_empty_chunks &&
      kernels::all_equal_fill(array, spec.dtype, spec.fill_value.bytes())) {
    result.stored = false;
    result.owned.clear();
    return;
  }
  level.chain->encode(array, result.owned);
  result.stored = true;
}

}  // namespace zarrphase::engine

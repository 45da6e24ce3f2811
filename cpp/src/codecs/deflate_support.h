// Internal: the DEFLATE plumbing that gzip and numcodecs.zlib share.
//
// Encoding goes through zlib, driven exactly the way CPython's zlib module drives it (numcodecs'
// GZip and Zlib are thin wrappers over it), so our bytes equal zarr-python's. Decoding goes
// through libdeflate, which is 2-3x faster than zlib's inflate on whole buffers.
#ifndef ZARRPHASE_CODECS_DEFLATE_SUPPORT_H_
#define ZARRPHASE_CODECS_DEFLATE_SUPPORT_H_

#include <cstddef>
#include <cstdint>

#include "zarrphase/buffer.h"

struct libdeflate_decompressor;

namespace zarrphase::codecs {

// How CPython feeds deflate(); output block sizes decide where level 0 cuts its stored blocks,
// so both the call pattern and the output block schedule matter for byte identity.
enum class PythonDeflateCall {
  kZlibCompress,          // zlib.compress(data, level): one pass with Z_FINISH
  kCompressObjThenFlush,  // compressobj.compress(data) + compressobj.flush() (gzip.GzipFile)
};

// Appends the DEFLATE stream of `in` to `out` starting at out[offset] (out is resized to
// offset + produced). window_bits follows zlib: 15 for a zlib wrapper, -15 for raw deflate.
void python_deflate(PythonDeflateCall call, int level, int window_bits, ByteView in, Bytes& out,
                    size_t offset);

// zlib's compressBound(): worst-case zlib-wrapped size of `n` bytes with default parameters.
uint64_t deflate_bound(uint64_t n);

// The calling thread's libdeflate decompressor (created on first use, freed at thread exit).
libdeflate_decompressor* thread_libdeflate_decompressor();

// CRC-32 (gzip's) of `data`.
uint32_t gzip_crc32(ByteView data);

}  // namespace zarrphase::codecs

#endif  // ZARRPHASE_CODECS_DEFLATE_SUPPORT_H_

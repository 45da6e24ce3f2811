#include "codecs/deflate_support.h"

#include <libdeflate.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>

#include "codecs/compressor_config.h"
#include "zarrphase/error.h"

namespace zarrphase::codecs {
namespace {

// CPython's _BlocksOutputBuffer growth schedule (Include/internal/pycore_blocks_output_buffer.h):
// every zlib call starts a fresh output buffer of 32 KiB and adds blocks of these sizes.
constexpr size_t kKiB = 1024;
constexpr size_t kMiB = 1024 * kKiB;
constexpr size_t kPythonOutputBlocks[] = {32 * kKiB,  64 * kKiB, 256 * kKiB, 1 * kMiB,  4 * kMiB,
                                          8 * kMiB,   16 * kMiB, 16 * kMiB,  32 * kMiB, 32 * kMiB,
                                          32 * kMiB,  32 * kMiB, 64 * kMiB,  64 * kMiB, 128 * kMiB,
                                          128 * kMiB, 256 * kMiB};

// The output side of one CPython zlib call: hands deflate() windows of exactly the sizes
// CPython would, backed by one contiguous buffer that grows as needed.
class PythonOutputWindows {
 public:
  PythonOutputWindows(Bytes& out, z_stream& stream) : out_(out), stream_(stream) {}

  // A fresh CPython output buffer: the next window is the first block again.
  void start_call() {
    next_block_ = 0;
    open_next_window();
  }
  void open_next_window() {
    const size_t last = std::size(kPythonOutputBlocks) - 1;
    const size_t block = kPythonOutputBlocks[std::min(next_block_, last)];
    ++next_block_;
    const size_t position = written();
    if (out_.size() < position + block) out_.resize(position + block);
    stream_.next_out = reinterpret_cast<Bytef*>(out_.data() + position);
    stream_.avail_out = static_cast<uInt>(block);
  }
  size_t written() const {
    return stream_.next_out == nullptr
               ? out_.size()
               : static_cast<size_t>(reinterpret_cast<std::byte*>(stream_.next_out) - out_.data());
  }

 private:
  Bytes& out_;
  z_stream& stream_;
  size_t next_block_ = 0;
};

// One deflate state per thread, reset between chunks: deflateInit2 allocates ~270 KiB, which
// would otherwise dominate small chunks.
class ThreadDeflater {
 public:
  ~ThreadDeflater() {
    if (initialised_) deflateEnd(&stream_);
  }
  z_stream& acquire(int level, int window_bits) {
    if (initialised_ && level == level_ && window_bits == window_bits_) {
      if (deflateReset(&stream_) == Z_OK) return stream_;
    }
    if (initialised_) deflateEnd(&stream_);
    initialised_ = false;
    stream_ = z_stream{};
    // memLevel 8 and the default strategy are what CPython passes (DEF_MEM_LEVEL).
    if (deflateInit2(&stream_, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw_invalid_argument("deflate: cannot initialise zlib at level " + std::to_string(level));
    }
    initialised_ = true;
    level_ = level;
    window_bits_ = window_bits;
    return stream_;
  }

 private:
  z_stream stream_{};
  bool initialised_ = false;
  int level_ = 0;
  int window_bits_ = 0;
};

// Runs deflate(flush) over `remaining` input the way CPython's loops do: input in slices of at
// most UINT_MAX, each slice drained until deflate leaves output space unused.
void run_python_loop(z_stream& stream, PythonOutputWindows& windows, const std::byte*& next_in,
                     size_t& remaining, bool finish_with_last_slice) {
  int flush = Z_NO_FLUSH;
  do {
    const size_t slice = std::min<size_t>(remaining, UINT_MAX);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(next_in));
    stream.avail_in = static_cast<uInt>(slice);
    next_in += slice;
    remaining -= slice;
    if (finish_with_last_slice && remaining == 0) flush = Z_FINISH;
    do {
      if (stream.avail_out == 0) windows.open_next_window();
      if (deflate(&stream, flush) == Z_STREAM_ERROR) {
        throw_invalid_argument("deflate: zlib reported an inconsistent stream state");
      }
    } while (stream.avail_out == 0);
  } while (remaining != 0);
}

}  // namespace

void python_deflate(PythonDeflateCall call, int level, int window_bits, ByteView in, Bytes& out,
                    size_t offset) {
  thread_local ThreadDeflater deflater;
  z_stream& stream = deflater.acquire(level, window_bits);
  out.resize(offset);
  stream.next_out = nullptr;
  PythonOutputWindows windows(out, stream);
  const std::byte* next_in = in.data();
  size_t remaining = in.size();

  if (call == PythonDeflateCall::kZlibCompress) {
    windows.start_call();
    run_python_loop(stream, windows, next_in, remaining, /*finish_with_last_slice=*/true);
  } else {
    windows.start_call();
    run_python_loop(stream, windows, next_in, remaining, /*finish_with_last_slice=*/false);
    const size_t after_compress = windows.written();
    out.resize(after_compress);  // compress() returned its own buffer; flush() starts anew
    windows.start_call();
    stream.avail_in = 0;
    int result = Z_OK;
    do {
      if (stream.avail_out == 0) windows.open_next_window();
      result = deflate(&stream, Z_FINISH);
      if (result == Z_STREAM_ERROR) {
        throw_invalid_argument("deflate: zlib reported an inconsistent stream state");
      }
    } while (stream.avail_out == 0);
  }
  out.resize(windows.written());
}

uint64_t deflate_bound(uint64_t n) {
  // compressBound() of zlib 1.2.13, in 64-bit arithmetic.
  return saturating_add(n, (n >> 12) + (n >> 14) + (n >> 25) + 13);
}

libdeflate_decompressor* thread_libdeflate_decompressor() {
  struct Deleter {
    void operator()(libdeflate_decompressor* d) const { libdeflate_free_decompressor(d); }
  };
  thread_local std::unique_ptr<libdeflate_decompressor, Deleter> decompressor(
      libdeflate_alloc_decompressor());
  if (!decompressor) throw std::bad_alloc();
  return decompressor.get();
}

uint32_t gzip_crc32(ByteView data) { return libdeflate_crc32(0, data.data(), data.size()); }

}  // namespace zarrphase::codecs

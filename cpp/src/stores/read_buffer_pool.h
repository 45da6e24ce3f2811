// Recycled buffers for store reads. On the VMs we target a fresh page costs ~11 µs to fault in,
// and glibc hands large freed blocks back to the kernel, so a store that reads every value into
// new memory pays that price again on every read (40% of a warm read-all of local files). Read
// buffers come from here instead and return here when their last reader lets go.
#ifndef ZARRPHASE_SRC_STORES_READ_BUFFER_POOL_H_
#define ZARRPHASE_SRC_STORES_READ_BUFFER_POOL_H_

#include <cstdint>
#include <memory>

#include "zarrphase/buffer.h"

namespace zarrphase::stores_internal {

// Buffers at least this large are recycled; smaller ones come and go through malloc, which
// keeps them in its own free lists without touching the kernel.
inline constexpr uint64_t kMinPooledBytes = 64 << 10;
// The most memory idle buffers may hold: enough for a read of a few hundred megabytes to reuse
// the previous one's pages, small enough not to matter beside the data such reads return.
inline constexpr uint64_t kMaxPooledBytes = 512 << 20;

// A buffer of exactly `size` bytes, contents undefined (the caller overwrites all of them). Its
// memory goes back to the pool when the returned pointer's last copy is destroyed. Never
// allocates more than `size` bytes; a recycled buffer has at most twice the capacity needed.
std::shared_ptr<Bytes> acquire_read_buffer(uint64_t size);

// Bytes the idle buffers hold now (for tests).
uint64_t pooled_read_buffer_bytes();

// Ranges up to this size are read into the thread's own buffer by a ScopedReadBuffer: small
// enough to stay in the last-level cache between reads (a 128^3 uint16 chunk fits), and the most
// memory a thread that ever read this way keeps. Larger ranges gain nothing from reuse: their
// first bytes leave the cache before the last ones arrive.
inline constexpr uint64_t kMaxThreadReadBufferBytes = 4 << 20;

// A buffer for bytes that are consumed before the next read on the same thread (visit_ranges):
// the thread's own buffer, reused from read to read so its lines are still in the CPU's cache
// when the kernel copies into it and the visitor reads them back; or, when that is in use (a
// visitor reading again) or the size is larger than kMaxThreadReadBufferBytes, a pooled one.
// Contents undefined; one size per object.
class ScopedReadBuffer {
 public:
  explicit ScopedReadBuffer(uint64_t size);
  ~ScopedReadBuffer();
  ScopedReadBuffer(const ScopedReadBuffer&) = delete;
  ScopedReadBuffer& operator=(const ScopedReadBuffer&) = delete;

  MutableByteView bytes() const { return view_; }

 private:
  bool thread_own_ = false;
  std::shared_ptr<Bytes> pooled_;
  MutableByteView view_;
};

}  // namespace zarrphase::stores_internal

#endif  // ZARRPHASE_SRC_STORES_READ_BUFFER_POOL_H_

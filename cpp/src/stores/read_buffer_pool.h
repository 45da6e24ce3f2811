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

}  // namespace zarrphase::stores_internal

#endif  // ZARRPHASE_SRC_STORES_READ_BUFFER_POOL_H_

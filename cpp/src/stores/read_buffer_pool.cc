#include "stores/read_buffer_pool.h"

#include <map>
#include <mutex>
#include <utility>

namespace zarrphase::stores_internal {
namespace {

class ReadBufferPool : public std::enable_shared_from_this<ReadBufferPool> {
 public:
  std::shared_ptr<Bytes> acquire(uint64_t size) {
    Bytes buffer;
    if (size >= kMinPooledBytes) buffer = take(size);
    buffer.resize(size);  // within a recycled buffer's capacity: no allocation, no page fault
    // Buffers hold a reference to the pool, so it outlives every buffer whatever the order of
    // static destruction.
    return std::shared_ptr<Bytes>(new Bytes(std::move(buffer)),
                                  [pool = shared_from_this()](Bytes* b) { pool->give_back(b); });
  }

  uint64_t idle_bytes() {
    const std::lock_guard<std::mutex> lock(mutex_);
    return idle_bytes_;
  }

 private:
  // The smallest idle buffer that holds `size` bytes without wasting more than as much again.
  Bytes take(uint64_t size) {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto it = idle_.lower_bound(size);
    if (it == idle_.end() || it->first / 2 > size) return {};
    Bytes buffer = std::move(it->second);
    idle_bytes_ -= it->first;
    idle_.erase(it);
    return buffer;
  }

  void give_back(Bytes* returned) noexcept {
    // Declared before the lock, so a buffer the pool does not keep is freed after unlocking.
    std::unique_ptr<Bytes> owned(returned);
    const uint64_t capacity = owned->capacity();
    if (capacity < kMinPooledBytes) return;
    const std::lock_guard<std::mutex> lock(mutex_);
    if (idle_bytes_ + capacity > kMaxPooledBytes) return;
    try {
      idle_.emplace(capacity, std::move(*owned));
      idle_bytes_ += capacity;
    } catch (...) {
      // Out of memory for the map node: dropping the buffer is the right answer anyway.
    }
  }

  std::mutex mutex_;
  std::multimap<uint64_t, Bytes> idle_;  // by capacity
  uint64_t idle_bytes_ = 0;
};

ReadBufferPool& pool() {
  static const std::shared_ptr<ReadBufferPool> instance = std::make_shared<ReadBufferPool>();
  return *instance;
}

}  // namespace

std::shared_ptr<Bytes> acquire_read_buffer(uint64_t size) { return pool().acquire(size); }

uint64_t pooled_read_buffer_bytes() { return pool().idle_bytes(); }

namespace {

struct ThreadReadBuffer {
  Bytes bytes;
  bool in_use = false;
};
thread_local ThreadReadBuffer thread_read_buffer;

}  // namespace

ScopedReadBuffer::ScopedReadBuffer(uint64_t size) {
  ThreadReadBuffer& own = thread_read_buffer;
  if (!own.in_use && size <= kMaxThreadReadBufferBytes) {
    own.bytes.resize(size);  // grows at most to the cap; never shrinks, so no page is faulted twice
    own.in_use = true;
    thread_own_ = true;
    view_ = own.bytes;
    return;
  }
  pooled_ = acquire_read_buffer(size);
  view_ = *pooled_;
}

ScopedReadBuffer::~ScopedReadBuffer() {
  if (thread_own_) thread_read_buffer.in_use = false;
}

}  // namespace zarrphase::stores_internal

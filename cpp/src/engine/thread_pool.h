// The process-wide compute pool behind config.h: parallel loops over chunks and subchunks.
#ifndef ZARRPHASE_ENGINE_THREAD_POOL_H_
#define ZARRPHASE_ENGINE_THREAD_POOL_H_

#include <cstddef>
#include <cstdint>
#include <functional>

namespace zarrphase::engine {

// Runs task(i) for every i in [0, count), on the pool and the calling thread, and returns when
// all have finished. Runs inline (in order, on the caller) when count is 1, when the pool has one
// thread, when called from a pool thread (nested loops never oversubscribe), or when
// count * bytes_per_task is below a threshold small enough that a thread hop costs more than the
// work. If tasks throw, the remaining tasks still run or are skipped, and the first exception is
// rethrown on the caller.
void parallel_for(size_t count, const std::function<void(size_t)>& task,
                  uint64_t bytes_per_task = UINT64_MAX);

// True on a pool thread (for tests and assertions).
bool on_pool_thread();

}  // namespace zarrphase::engine

#endif  // ZARRPHASE_ENGINE_THREAD_POOL_H_

// zarrphase/config.h — process-wide settings of the native engine.
//
// All compute (decode, encode, scatter/gather) runs on one process-wide thread pool, created on
// first use with one thread per core. Work submitted from inside the pool runs inline, so
// parallelism over chunks and over the subchunks of a shard never oversubscribes the cores, and
// batches too small to repay a thread hop run inline on the caller.
#ifndef ZARRPHASE_CONFIG_H_
#define ZARRPHASE_CONFIG_H_

#include <cstddef>

namespace zarrphase {

// Threads the engine computes on, the calling thread included. 0 restores the default
// (std::thread::hardware_concurrency()). Takes effect for the next batch; safe from any thread
// while no batch is running.
void set_thread_count(size_t threads);
size_t thread_count();

}  // namespace zarrphase

#endif  // ZARRPHASE_CONFIG_H_

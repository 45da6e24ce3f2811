// The process-wide compute pool: worker threads that join the parallel loops callers submit.
//
// A loop is a Job on the caller's stack. The caller queues it, wakes as many workers as can help,
// and claims indices itself from a shared atomic counter, so a loop finishes even when every
// worker is busy elsewhere (or, after fork(), absent). Workers sleep on a condition variable
// between jobs: an idle pool burns no CPU.
#include "engine/thread_pool.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "zarrphase/config.h"
#include "zarrphase/error.h"

namespace zarrphase {
namespace {

// Far above any core count we expect; a larger request is a caller's mistake, not a wish.
constexpr size_t kMaxThreads = 1024;

// Loops whose whole work is below this run inline. Waking a sleeping worker costs a futex wake
// plus a scheduler hop, tens of microseconds on the VMs we target; 256 KiB of memcpy-speed work
// (the cheapest a task gets: scatter, an uncompressed subchunk) takes about as long on one core,
// so below it the hop costs more than it saves.
constexpr uint64_t kInlineWorkBytes = 256 << 10;

// How long a caller whose share of a loop is done yields, waiting for helpers, before sleeping.
constexpr std::chrono::microseconds kCallerSpin{50};

std::atomic<size_t> g_requested_threads{0};  // 0: the default

// Asked once: glibc answers hardware_concurrency() by reading /sys (an open, read and close,
// several microseconds), and plans ask for the thread count every round.
size_t default_thread_count() {
  static const size_t count = std::max<size_t>(1, std::thread::hardware_concurrency());
  return count;
}

}  // namespace

void set_thread_count(size_t threads) {
  if (threads > kMaxThreads) {
    throw_invalid_argument("set_thread_count: " + std::to_string(threads) +
                           " threads exceeds the limit of " + std::to_string(kMaxThreads));
  }
  g_requested_threads.store(threads, std::memory_order_relaxed);
}

size_t thread_count() {
  const size_t requested = g_requested_threads.load(std::memory_order_relaxed);
  return requested == 0 ? default_thread_count() : requested;
}

}  // namespace zarrphase

namespace zarrphase::engine {
namespace {

thread_local bool t_pool_thread = false;
// Set while this thread runs a task of a parallel loop, pool thread or not: loops nested inside
// a task run inline, so nesting never multiplies threads.
thread_local bool t_in_task = false;

class TaskScope {
 public:
  TaskScope() : previous_(t_in_task) { t_in_task = true; }
  ~TaskScope() { t_in_task = previous_; }
  TaskScope(const TaskScope&) = delete;
  TaskScope& operator=(const TaskScope&) = delete;

 private:
  bool previous_;
};

struct Job {
  const std::function<void(size_t)>* task = nullptr;
  size_t count = 0;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr first_error;
  // Workers inside run(). Changed only under the pool's mutex; read without it by the caller's
  // short spin at the end of a loop.
  std::atomic<size_t> helpers{0};

  bool exhausted() const { return failed.load() || next.load() >= count; }

  // Claims and runs indices until none are left. After a failure the rest are skipped.
  void run() {
    TaskScope scope;
    while (!failed.load(std::memory_order_relaxed)) {
      const size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count) return;
      try {
        (*task)(i);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed.store(true);
      }
    }
  }
};

class Pool {
 public:
  explicit Pool(size_t workers) {
    workers_.reserve(workers);
    for (size_t i = 0; i < workers; ++i) {
      try {
        workers_.emplace_back([this] { work(); });
      } catch (const std::system_error&) {
        break;  // the system refuses more threads: compute with those we have
      }
    }
  }
  ~Pool() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    work_ready_.notify_all();
    for (std::thread& worker : workers_) worker.join();
  }
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  size_t workers() const { return workers_.size(); }

  void run(Job& job) {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back(&job);
    }
    const size_t wanted = std::min(job.count - 1, workers_.size());
    for (size_t i = 0; i < wanted; ++i) work_ready_.notify_one();
    job.run();
    // Every index is claimed; unlist the job so no worker joins it late, then wait for the
    // helpers still running the tasks they claimed (the job lives on this stack frame).
    std::unique_lock<std::mutex> lock(mutex_);
    unlist(&job);
    lock.unlock();
    // Helpers usually finish within microseconds of the caller; sleeping on the condition
    // variable would add a futex wake (tens of microseconds on a VM) to every loop, so yield
    // for a short bounded while first.
    const auto spin_until = std::chrono::steady_clock::now() + kCallerSpin;
    while (job.helpers.load() != 0 && std::chrono::steady_clock::now() < spin_until) {
      std::this_thread::yield();
    }
    lock.lock();
    job_done_.wait(lock, [&] { return job.helpers.load() == 0; });
  }

 private:
  void unlist(Job* job) {
    const auto it = std::find(jobs_.begin(), jobs_.end(), job);
    if (it != jobs_.end()) jobs_.erase(it);
  }

  void work() {
    t_pool_thread = true;
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      work_ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to help with
      Job* job = jobs_.front();
      if (job->exhausted()) {
        jobs_.pop_front();
        continue;
      }
      ++job->helpers;
      lock.unlock();
      job->run();
      lock.lock();
      unlist(job);
      if (--job->helpers == 0) job_done_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable job_done_;
  std::deque<Job*> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// Owns the pool and resizes it when thread_count() changed and no loop is using it.
class PoolRegistry {
 public:
  static PoolRegistry& instance() {
    static PoolRegistry registry;
    return registry;
  }

  // The pool to run on, or nullptr to run inline (one thread configured).
  Pool* acquire() {
    const size_t workers = thread_count() - 1;
    const std::lock_guard<std::mutex> lock(mutex_);
    if (workers == 0 && in_flight_ == 0) pool_.reset();
    if (workers == 0) return nullptr;
    if (!pool_ || (pool_->workers() != workers && in_flight_ == 0)) {
      pool_.reset();  // joins the old workers, idle since no loop is in flight
      pool_ = std::make_unique<Pool>(workers);
    }
    ++in_flight_;
    return pool_.get();
  }

  void release() {
    const std::lock_guard<std::mutex> lock(mutex_);
    --in_flight_;
  }

 private:
  PoolRegistry() {
    pthread_atfork([] { instance().mutex_.lock(); }, [] { instance().mutex_.unlock(); },
                   [] { instance().after_fork_in_child(); });
  }

  // The child has none of the parent's workers, and their mutexes may be frozen locked: abandon
  // the pool (never touch it again) and build a fresh one on the next loop.
  void after_fork_in_child() {
    static_cast<void>(pool_.release());
    in_flight_ = 0;
    mutex_.unlock();
  }

  std::mutex mutex_;
  std::unique_ptr<Pool> pool_;
  size_t in_flight_ = 0;
};

class PoolLease {
 public:
  PoolLease() : pool_(PoolRegistry::instance().acquire()) {}
  ~PoolLease() {
    if (pool_ != nullptr) PoolRegistry::instance().release();
  }
  PoolLease(const PoolLease&) = delete;
  PoolLease& operator=(const PoolLease&) = delete;
  Pool* pool() const { return pool_; }

 private:
  Pool* pool_;
};

bool is_tiny(size_t count, uint64_t bytes_per_task) {
  uint64_t total = 0;
  return !__builtin_mul_overflow(uint64_t{count}, bytes_per_task, &total) &&
         total < kInlineWorkBytes;
}

}  // namespace

void parallel_for(size_t count, const std::function<void(size_t)>& task, uint64_t bytes_per_task) {
  if (count == 0) return;
  if (count == 1 || t_in_task || t_pool_thread || is_tiny(count, bytes_per_task)) {
    for (size_t i = 0; i < count; ++i) task(i);
    return;
  }
  const PoolLease lease;
  if (lease.pool() == nullptr) {
    for (size_t i = 0; i < count; ++i) task(i);
    return;
  }
  Job job;
  job.task = &task;
  job.count = count;
  lease.pool()->run(job);
  if (job.first_error) std::rethrow_exception(job.first_error);
}

bool on_pool_thread() { return t_pool_thread; }

}  // namespace zarrphase::engine

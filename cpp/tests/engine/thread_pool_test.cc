// The process-wide pool: coverage of every index, inline cases, nesting, exceptions, resizing,
// concurrent callers, fork, and an idle pool that burns no CPU.
#include "engine/thread_pool.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/expect_error.h"
#include "zarrphase/config.h"
#include "zarrphase/error.h"

namespace zarrphase::engine {
namespace {

using namespace std::chrono_literals;
using testing::ExpectError;
constexpr uint64_t kBigTask = 1 << 20;  // well above the inline threshold

class ThreadPoolTest : public ::testing::Test {
 protected:
  void TearDown() override { set_thread_count(0); }
};

// Blocks each caller until `parties` have arrived or the timeout passes; true if all arrived.
// Proves that many tasks ran at the same time, i.e. on that many threads.
class Rendezvous {
 public:
  explicit Rendezvous(size_t parties) : parties_(parties) {}
  bool arrive_and_wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (++arrived_ == parties_) cv_.notify_all();
    return cv_.wait_for(lock, 10s, [&] { return arrived_ >= parties_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  size_t parties_;
  size_t arrived_ = 0;
};

TEST_F(ThreadPoolTest, EveryIndexRunsExactlyOnce) {
  for (const size_t threads : {1, 2, 3, 8}) {
    set_thread_count(threads);
    for (const size_t count : {0, 1, 2, 7, 1000, 20000}) {
      std::vector<std::atomic<int>> runs(count);
      parallel_for(
          count, [&](size_t i) { runs[i].fetch_add(1); }, kBigTask);
      for (size_t i = 0; i < count; ++i) {
        ASSERT_EQ(runs[i].load(), 1) << "index " << i << " of " << count << ", threads " << threads;
      }
    }
  }
}

TEST_F(ThreadPoolTest, RunsOnSeveralThreadsAtOnce) {
  set_thread_count(4);
  Rendezvous all_four(4);
  std::atomic<int> met{0};
  std::mutex ids_mutex;
  std::set<std::thread::id> ids;
  parallel_for(
      4,
      [&](size_t) {
        {
          const std::lock_guard<std::mutex> lock(ids_mutex);
          ids.insert(std::this_thread::get_id());
        }
        if (all_four.arrive_and_wait()) met.fetch_add(1);
      },
      kBigTask);
  EXPECT_EQ(met.load(), 4) << "4 tasks did not run concurrently on 4 threads";
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_TRUE(ids.count(std::this_thread::get_id()) == 1) << "the caller participates";
}

// Tasks run inline, in order, on the caller: checks both.
void ExpectInline(size_t count, uint64_t bytes_per_task) {
  std::vector<size_t> order;
  bool on_caller = true;
  const auto caller = std::this_thread::get_id();
  parallel_for(
      count,
      [&](size_t i) {
        order.push_back(i);  // no lock: inline runs are single-threaded
        on_caller = on_caller && std::this_thread::get_id() == caller && !on_pool_thread();
      },
      bytes_per_task);
  ASSERT_EQ(order.size(), count);
  for (size_t i = 0; i < count; ++i) EXPECT_EQ(order[i], i);
  EXPECT_TRUE(on_caller);
}

TEST_F(ThreadPoolTest, RunsInlineWhenSplittingCannotPay) {
  set_thread_count(4);
  ExpectInline(1, kBigTask);  // a single task
  ExpectInline(1000, 64);     // tiny work: 64 KB in all
  ExpectInline(4, (256 << 10) / 4 - 1);
  set_thread_count(1);
  ExpectInline(100, kBigTask);  // a one-thread pool
}

TEST_F(ThreadPoolTest, NestedLoopsRunInlineOnTheOuterTasksThread) {
  set_thread_count(4);
  std::atomic<int> inner_runs{0};
  std::atomic<bool> all_inline{true};
  std::atomic<int> on_workers{0};
  const auto caller = std::this_thread::get_id();
  parallel_for(
      16,
      [&](size_t) {
        const auto outer_thread = std::this_thread::get_id();
        const bool pool_thread = on_pool_thread();
        if (pool_thread != (outer_thread != caller)) all_inline = false;
        if (pool_thread) on_workers.fetch_add(1);
        parallel_for(
            8,
            [&](size_t) {
              if (std::this_thread::get_id() != outer_thread) all_inline = false;
              inner_runs.fetch_add(1);
            },
            kBigTask);
      },
      kBigTask);
  EXPECT_EQ(inner_runs.load(), 16 * 8);
  EXPECT_TRUE(all_inline.load());
  EXPECT_FALSE(on_pool_thread());
}

TEST_F(ThreadPoolTest, FirstExceptionReachesTheCallerAndThePoolSurvives) {
  for (const size_t threads : {1, 4}) {
    set_thread_count(threads);
    std::atomic<int> ran{0};
    ExpectError(
        [&] {
          parallel_for(
              500,
              [&](size_t i) {
                ran.fetch_add(1);
                if (i == 37) throw_corrupt("chunk 37 is broken");
              },
              kBigTask);
        },
        ErrorCode::kCorruptData, {"chunk 37 is broken"});
    EXPECT_GE(ran.load(), 1);
    EXPECT_LE(ran.load(), 500);
    // Several failures: one of them arrives, whole and of its own type.
    EXPECT_THROW(parallel_for(
                     100, [](size_t i) { throw std::out_of_range(std::to_string(i)); }, kBigTask),
                 std::out_of_range);
    std::atomic<int> after{0};
    parallel_for(
        100, [&](size_t) { after.fetch_add(1); }, kBigTask);
    EXPECT_EQ(after.load(), 100);
  }
}

TEST_F(ThreadPoolTest, SetThreadCountResizesThePool) {
  EXPECT_EQ(thread_count(), std::max<size_t>(1, std::thread::hardware_concurrency()));
  set_thread_count(3);
  EXPECT_EQ(thread_count(), 3u);
  for (const size_t threads : {2, 6, 3}) {
    set_thread_count(threads);
    Rendezvous all(threads);
    std::atomic<size_t> met{0};
    parallel_for(
        threads, [&](size_t) { met += all.arrive_and_wait() ? 1 : 0; }, kBigTask);
    EXPECT_EQ(met.load(), threads) << "pool did not grow to " << threads << " threads";
  }
  set_thread_count(0);
  EXPECT_EQ(thread_count(), std::max<size_t>(1, std::thread::hardware_concurrency()));
  ExpectError([] { set_thread_count(100000); }, ErrorCode::kInvalidArgument,
              {"set_thread_count", "100000"});
}

TEST_F(ThreadPoolTest, ConcurrentCallersEachGetTheirResults) {
  set_thread_count(3);
  constexpr size_t kCallers = 4;
  std::vector<std::vector<int>> results(kCallers, std::vector<int>(5000, 0));
  std::vector<std::thread> callers;
  for (size_t c = 0; c < kCallers; ++c) {
    callers.emplace_back([&, c] {
      for (int round = 0; round < 20; ++round) {
        parallel_for(
            5000, [&](size_t i) { results[c][i] += static_cast<int>(i % 7); }, kBigTask);
      }
    });
  }
  for (std::thread& t : callers) t.join();
  for (size_t c = 0; c < kCallers; ++c) {
    for (size_t i = 0; i < 5000; ++i) ASSERT_EQ(results[c][i], 20 * static_cast<int>(i % 7));
  }
}

TEST_F(ThreadPoolTest, WorksInAForkedChild) {
#if defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "ThreadSanitizer cannot start threads in the child of a multi-threaded fork";
#endif
  set_thread_count(4);
  parallel_for(
      64, [](size_t) {}, kBigTask);  // the parent's pool exists
  const pid_t pid = fork();
  ASSERT_NE(pid, -1);
  if (pid == 0) {
    std::vector<std::atomic<int>> runs(1000);
    parallel_for(
        1000, [&](size_t i) { runs[i].fetch_add(1); }, kBigTask);
    for (auto& r : runs) {
      if (r.load() != 1) _exit(1);
    }
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

TEST_F(ThreadPoolTest, IdlePoolBurnsNoCpu) {
  set_thread_count(8);
  parallel_for(
      64, [](size_t) {}, kBigTask);  // 7 workers now wait for work
  const double before = CpuSeconds();
  std::this_thread::sleep_for(300ms);
  EXPECT_LT(CpuSeconds() - before, 0.05) << "idle workers are spinning";
}

}  // namespace
}  // namespace zarrphase::engine

// A persistent thread pool for the fused kernel.
//
// Work is split into chunks by the caller, independently of the number of
// threads, and each chunk writes its own partial result; which thread runs a
// chunk therefore never changes the answer. Dispatching a job allocates
// nothing: the job is a function pointer, a context pointer and a count. The
// workers are created once, on first use of more than one thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

namespace xloss {
namespace detail {

class thread_pool {
 public:
  // task(context, chunk, thread): thread is in [0, threads), unique among
  // the threads of one run (0 is the caller), so tasks can keep per-thread
  // scratch space.
  using task = void (*)(void* context, std::ptrdiff_t chunk, int thread);

  static thread_pool& instance() {
    static thread_pool pool;
    return pool;
  }

  // Runs task(context, c) for every chunk c in [0, chunks), on up to
  // `threads` threads including the caller. Returns when all are done.
  void run(int threads, std::ptrdiff_t chunks, task f, void* context) {
    if (threads <= 1 || chunks <= 1) {
      for (std::ptrdiff_t c = 0; c < chunks; ++c) f(context, c, 0);
      return;
    }
    std::lock_guard<std::mutex> one_job_at_a_time(submit_);
    start_workers(threads - 1);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = f;
      context_ = context;
      chunks_ = chunks;
      next_.store(0);
      helpers_wanted_ = std::min<int>(threads - 1, static_cast<int>(workers_.size()));
      helpers_busy_ = helpers_wanted_;
      ++generation_;
    }
    wake_.notify_all();
    work(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return helpers_busy_ == 0; });
  }

  ~thread_pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }

 private:
  void work(int thread) {
    for (std::ptrdiff_t c = next_.fetch_add(1); c < chunks_; c = next_.fetch_add(1)) task_(context_, c, thread);
  }

  void start_workers(int n) {
    while (static_cast<int>(workers_.size()) < std::min(n, max_workers())) {
      workers_.emplace_back([this, seen = generation_]() mutable {
        for (;;) {
          std::unique_lock<std::mutex> lock(mutex_);
          wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
          if (stop_) return;
          seen = generation_;
          if (helpers_wanted_ == 0) continue;
          int thread = helpers_wanted_--;
          lock.unlock();
          work(thread);
          lock.lock();
          if (--helpers_busy_ == 0) done_.notify_one();
        }
      });
    }
  }

  static int max_workers() {
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) * 2;
  }

  std::mutex submit_, mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  task task_ = nullptr;
  void* context_ = nullptr;
  std::ptrdiff_t chunks_ = 0;
  std::atomic<std::ptrdiff_t> next_{0};
  int helpers_wanted_ = 0, helpers_busy_ = 0;
  unsigned long generation_ = 0;
  bool stop_ = false;
};

}  // namespace detail

// The default number of threads of every evaluation (1 unless set).
inline int& default_threads() {
  static int n = 1;
  return n;
}
inline void set_default_threads(int n) { default_threads() = std::max(1, n); }

}  // namespace xloss

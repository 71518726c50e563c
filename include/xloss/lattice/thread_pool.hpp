#pragma once
// A tiny fixed-size thread pool for batch-level parallelism. Threads are
// created once (constructor) and reused; run() allocates nothing. The calling
// thread takes part, so a pool of size 1 has no worker threads at all.
//
// Work items are claimed dynamically, so *which* thread runs an item varies;
// callers get thread-count-independent results by making each item's work
// and output depend on the item alone and combining results afterwards in a
// fixed order.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace xloss::lattice {

class thread_pool {
 public:
  explicit thread_pool(int threads) {
    if (threads < 1)
      throw std::invalid_argument(std::string("thread_pool: threads must be >= 1, got ").append(std::to_string(threads)));
    for (int id = 1; id < threads; ++id) workers_.emplace_back([this, id] { work(id); });
  }
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;
  ~thread_pool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    start_.notify_all();
    for (auto& w : workers_) w.join();
  }

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls body(item, thread_id) for every item in [0, n); thread_id is in
  // [0, size()). Returns when all items are done. body must not throw.
  template <class Body>
  void run(std::ptrdiff_t n, Body& body) {
    if (workers_.empty()) {
      for (std::ptrdiff_t i = 0; i < n; ++i) body(i, 0);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      call_ = [](void* ctx, std::ptrdiff_t i, int id) { (*static_cast<Body*>(ctx))(i, id); };
      ctx_ = &body;
      n_ = n;
      next_.store(0);
      busy_ = static_cast<int>(workers_.size());
      ++generation_;
    }
    start_.notify_all();
    drain(0);
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return busy_ == 0; });
  }

 private:
  void drain(int id) {
    for (std::ptrdiff_t i = next_.fetch_add(1); i < n_; i = next_.fetch_add(1)) call_(ctx_, i, id);
  }
  void work(int id) {
    std::uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      drain(id);
      std::lock_guard lock(mutex_);
      if (--busy_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable start_, done_;
  bool stop_ = false;
  std::uint64_t generation_ = 0;
  int busy_ = 0;
  void (*call_)(void*, std::ptrdiff_t, int) = nullptr;
  void* ctx_ = nullptr;
  std::ptrdiff_t n_ = 0;
  std::atomic<std::ptrdiff_t> next_{0};
};

}  // namespace xloss::lattice

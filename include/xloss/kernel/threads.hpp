// A persistent thread pool for the fused kernel.
//
// Work is split into chunks by the caller, independently of the number of
// threads, and each chunk writes its own partial result; which thread runs a
// chunk therefore never changes the answer. Dispatching a job allocates
// nothing: the job is a function pointer, a context pointer and a count. The
// workers are created once, on first use of more than one thread; if the
// system refuses a thread, the pool runs with the workers it has (the answer
// does not depend on how many there are).
//
// Written on POSIX threads rather than <thread>, <mutex> and
// <condition_variable>: every translation unit that evaluates a loss
// instantiates the pool, and the standard library's templates (std::thread's
// callable wrapper, vector<thread>, predicate waits) cost that unit ≈ 0.4·10⁹
// compiler instructions (≈ 0.1 s), this version a small fraction of it
// (docs/benchmarks.md, "Compile cost").
#pragma once

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>

namespace xloss {
namespace detail {

class thread_pool {
 public:
  // task(context, chunk, thread): thread is in [0, threads), unique among
  // the threads of one run (0 is the caller), so tasks can keep per-thread
  // scratch space. Tasks must not throw.
  using task = void (*)(void* context, std::ptrdiff_t chunk, int thread);

  static thread_pool& instance() {
    static thread_pool pool;
    return pool;
  }

  // Runs task(context, c) for every chunk c in [0, chunks), on up to
  // `threads` threads including the caller. Returns when all are done.
  // Not inlined: inlined, GCC saw through the task pointer and compiled the
  // kernel into the caller's frame, where it kept the elementwise loop's loss
  // accumulator on the stack (mse float 10⁶: fused / hand-written 1.0 → 1.55).
  [[gnu::noinline]] void run(int threads, std::ptrdiff_t chunks, task f, void* context) {
    if (threads <= 1 || chunks <= 1) {
      for (std::ptrdiff_t c = 0; c < chunks; ++c) f(context, c, 0);
      return;
    }
    pthread_mutex_lock(&submit_);  // one job at a time
    pthread_mutex_lock(&mutex_);
    start_workers(threads - 1);
    task_ = f;
    context_ = context;
    chunks_ = chunks;
    next_.store(0);
    helpers_wanted_ = std::min(threads - 1, workers_);
    helpers_busy_ = helpers_wanted_;
    ++generation_;
    pthread_cond_broadcast(&wake_);
    pthread_mutex_unlock(&mutex_);
    work(0);
    pthread_mutex_lock(&mutex_);
    while (helpers_busy_ != 0) pthread_cond_wait(&done_, &mutex_);
    pthread_mutex_unlock(&mutex_);
    pthread_mutex_unlock(&submit_);
  }

  ~thread_pool() {
    pthread_mutex_lock(&mutex_);
    stop_ = true;
    pthread_cond_broadcast(&wake_);
    pthread_mutex_unlock(&mutex_);
    for (int i = 0; i < workers_; ++i) pthread_join(threads_[i], nullptr);
  }

 private:
  thread_pool() = default;

  void work(int thread) {
    for (std::ptrdiff_t c = next_.fetch_add(1); c < chunks_; c = next_.fetch_add(1)) task_(context_, c, thread);
  }

  // Called with mutex_ held, before the run's generation is published.
  void start_workers(int n) {
    long cpus = std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
    n = static_cast<int>(std::min<long>({n, max_workers, 2 * cpus}));
    for (; workers_ < n; ++workers_)
      if (pthread_create(&threads_[workers_], nullptr, &thread_pool::serve, this) != 0) return;
  }

  // A worker takes part in every run at most once (one ticket of
  // helpers_wanted_ per generation). It starts during the run that created
  // it, which cannot finish without it, so it has not seen that generation.
  static void* serve(void* self) {
    auto& pool = *static_cast<thread_pool*>(self);
    pthread_mutex_lock(&pool.mutex_);
    for (unsigned long seen = pool.generation_ - 1;; seen = pool.generation_) {
      while (!pool.stop_ && pool.generation_ == seen) pthread_cond_wait(&pool.wake_, &pool.mutex_);
      if (pool.stop_) break;
      if (pool.helpers_wanted_ == 0) continue;
      int thread = pool.helpers_wanted_--;
      pthread_mutex_unlock(&pool.mutex_);
      pool.work(thread);
      pthread_mutex_lock(&pool.mutex_);
      if (--pool.helpers_busy_ == 0) pthread_cond_signal(&pool.done_);
    }
    pthread_mutex_unlock(&pool.mutex_);
    return nullptr;
  }

  static constexpr int max_workers = 256;

  pthread_mutex_t submit_ = PTHREAD_MUTEX_INITIALIZER, mutex_ = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t wake_ = PTHREAD_COND_INITIALIZER, done_ = PTHREAD_COND_INITIALIZER;
  pthread_t threads_[max_workers] = {};
  int workers_ = 0;
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

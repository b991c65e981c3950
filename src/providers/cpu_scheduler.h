// Shares the machine's cores among in-process model computations (local generations and
// embeddings), so that a panel of local members finishes sooner than if every member started
// at once with llama.cpp's default thread count.
//
// Policy. ggml's threads meet at a barrier after every operation of a token's graph, so one
// thread the OS has descheduled stalls all the others, and token generation is bound by
// memory bandwidth, which more threads than cores cannot raise. So the threads of all running
// computations never add up to more than the cores, and each computation gets at least
// min_threads_per_generation of them:
//
//   slots    = max(1, cores / min_threads_per_generation)   computations at once, at most
//   running  = min(wanting, slots)                          wanting = running + waiting
//   threads  = clamp(cores / running, 1, max_threads_per_generation)   each, re-read
//                                                           between tokens
//
// With the default minimum of 1 thread: on 2 cores a 4-member panel runs 2 members at once
// with 1 thread each (two single-threaded generations need no barriers and together use both
// cores), and the last one left gets both cores; on 16 cores it runs all 4 at once with 4
// threads each; on 16 cores, 8 members run at once with 2 threads each. Computations wait
// for a slot first come, first served. docs/local-models.md has the measurements.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

#include "core/error.h"

namespace drux {

struct CpuSchedulerOptions {
  // The cores to share; 0 detects them (see DetectCpuCores).
  int cores = 0;
  // The fewest threads a computation runs with. Raising it runs fewer computations at once,
  // each with more threads: each one's answer comes sooner, the last one's no sooner.
  int min_threads_per_generation = 1;
  // The most threads a computation gets even when it runs alone; 0 means no limit. On a
  // big machine, decoding stops speeding up well before it uses every core.
  int max_threads_per_generation = 0;
};

// What the policy decides for a number of computations that want to run.
struct CpuPlan {
  int running = 0;  // how many run at once
  int threads = 0;  // threads for each running computation
};

// The policy above as a pure function of the cores, the computations that want to run and
// the options' limits on threads per computation (options.cores is not read).
CpuPlan PlanCpu(int cores, int wanting, const CpuSchedulerOptions& options);

// The physical cores this process may use: the CPUs of its affinity mask, fewer under a
// cgroup CPU quota, with hyper-threads of one core counted once (they share its arithmetic
// units, so a second ggml thread on a core adds barriers, not speed). At least 1.
int DetectCpuCores();

class CpuScheduler {
 public:
  // The right to run one computation, released when destroyed.
  class Slot {
   public:
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

    // The threads this computation should use now: more once others finish, fewer when
    // others start. Cheap enough to call between tokens.
    int threads() const;

   private:
    friend class CpuScheduler;
    explicit Slot(CpuScheduler* scheduler) : scheduler_(scheduler) {}
    CpuScheduler* scheduler_;
  };

  explicit CpuScheduler(CpuSchedulerOptions options = {});
  CpuScheduler(const CpuScheduler&) = delete;
  CpuScheduler& operator=(const CpuScheduler&) = delete;

  // The scheduler every local provider and embedder of this process shares unless given
  // another, over the detected cores.
  static std::shared_ptr<CpuScheduler> Shared();

  // Waits until this computation may run, first come, first served. Returns kCancelled soon
  // after *cancel (which may be null) becomes true and kTimeout when deadline passes first;
  // a waiter that gives up leaves the queue. Thread-safe. Every Slot must be destroyed
  // before its scheduler.
  Expected<Slot> Acquire(std::chrono::steady_clock::time_point deadline,
                         const std::atomic<bool>* cancel);

  int cores() const { return cores_; }
  // Computations running and waiting now, for tests and monitoring.
  int running() const { return running_.load(); }
  int waiting() const;

 private:
  void Release();
  void LeaveQueue(std::uint64_t ticket);

  const int cores_;
  const CpuSchedulerOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  // Written under mutex_; atomic so that Slot::threads() can read it between tokens without
  // taking the lock.
  std::atomic<int> running_{0};
  std::deque<std::uint64_t> queue_;
  std::uint64_t next_ticket_ = 0;
};

}  // namespace drux

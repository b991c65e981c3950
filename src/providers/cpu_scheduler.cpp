#include "providers/cpu_scheduler.h"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

namespace drux {
namespace {

using Clock = std::chrono::steady_clock;

// An external cancel flag cannot notify the condition variable, so waiters poll it.
constexpr auto kCancelPollInterval = std::chrono::milliseconds(20);

std::string ReadFirstLine(const std::string& path) {
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);
  return line;
}

// The CPUs a cgroup v2 quota ("max 100000" or "200000 100000" in cpu.max) allows, rounded
// up, or 0 when there is no quota. The file at the root of /sys/fs/cgroup is the container's
// own in a container, which is where quotas are usually set.
int CgroupCpuLimit() {
  const std::string line = ReadFirstLine("/sys/fs/cgroup/cpu.max");
  const std::size_t space = line.find(' ');
  if (space == std::string::npos || line.compare(0, space, "max") == 0) return 0;
  long long quota = 0;
  long long period = 0;
  const char* end = line.data() + line.size();
  if (std::from_chars(line.data(), line.data() + space, quota).ec != std::errc() ||
      std::from_chars(line.data() + space + 1, end, period).ec != std::errc() || quota <= 0 ||
      period <= 0) {
    return 0;
  }
  return static_cast<int>((quota + period - 1) / period);
}

}  // namespace

CpuPlan PlanCpu(int cores, int wanting, const CpuSchedulerOptions& options) {
  cores = std::max(1, cores);
  const int slots = std::max(1, cores / std::max(1, options.min_threads_per_generation));
  CpuPlan plan;
  plan.running = std::clamp(wanting, 0, slots);
  plan.threads = std::max(1, cores / std::max(1, plan.running));
  if (options.max_threads_per_generation > 0) {
    plan.threads = std::min(plan.threads, options.max_threads_per_generation);
  }
  return plan;
}

int DetectCpuCores() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  int cores = 0;
  if (sched_getaffinity(0, sizeof allowed, &allowed) == 0) {
    // Hyper-threads of one core list the same siblings; a CPU without topology information
    // counts as a core of its own.
    std::set<std::string> physical;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (!CPU_ISSET(cpu, &allowed)) continue;
      const std::string topology =
          "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
      std::string siblings = ReadFirstLine(topology + "core_cpus_list");
      if (siblings.empty()) siblings = ReadFirstLine(topology + "thread_siblings_list");
      physical.insert(siblings.empty() ? "cpu" + std::to_string(cpu) : siblings);
    }
    cores = static_cast<int>(physical.size());
  }
  if (cores == 0) cores = static_cast<int>(std::thread::hardware_concurrency());
  if (const int limit = CgroupCpuLimit(); limit > 0) cores = std::min(cores, limit);
  return std::max(1, cores);
}

CpuScheduler::Slot::Slot(Slot&& other) noexcept
    : scheduler_(std::exchange(other.scheduler_, nullptr)) {}

CpuScheduler::Slot& CpuScheduler::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    if (scheduler_ != nullptr) scheduler_->Release();
    scheduler_ = std::exchange(other.scheduler_, nullptr);
  }
  return *this;
}

CpuScheduler::Slot::~Slot() {
  if (scheduler_ != nullptr) scheduler_->Release();
}

int CpuScheduler::Slot::threads() const {
  return PlanCpu(scheduler_->cores_, scheduler_->running_.load(), scheduler_->options_).threads;
}

CpuScheduler::CpuScheduler(CpuSchedulerOptions options)
    : cores_(options.cores > 0 ? options.cores : DetectCpuCores()), options_(options) {}

std::shared_ptr<CpuScheduler> CpuScheduler::Shared() {
  static const auto shared = std::make_shared<CpuScheduler>();
  return shared;
}

Expected<CpuScheduler::Slot> CpuScheduler::Acquire(Clock::time_point deadline,
                                                   const std::atomic<bool>* cancel) {
  std::unique_lock lock(mutex_);
  const std::uint64_t ticket = next_ticket_++;
  queue_.push_back(ticket);
  while (true) {
    const int wanting = running_.load() + static_cast<int>(queue_.size());
    if (queue_.front() == ticket && running_.load() < PlanCpu(cores_, wanting, options_).running) {
      queue_.pop_front();
      ++running_;
      // The next in line may fit too.
      changed_.notify_all();
      return Slot(this);
    }
    if (cancel != nullptr && cancel->load()) {
      LeaveQueue(ticket);
      return MakeError(ErrorCode::kCancelled, "cancelled while waiting for a CPU slot (" +
                                                  std::to_string(running_.load()) +
                                                  " local computations were running)");
    }
    if (Clock::now() >= deadline) {
      LeaveQueue(ticket);
      return MakeError(
          ErrorCode::kTimeout,
          "the deadline passed while waiting for a CPU slot: " + std::to_string(running_.load()) +
              " other local computations kept all " + std::to_string(cores_) +
              " cores busy; allow more time or ask fewer local models at once");
    }
    changed_.wait_until(lock, std::min(deadline, Clock::now() + kCancelPollInterval));
  }
}

int CpuScheduler::waiting() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(queue_.size());
}

void CpuScheduler::Release() {
  {
    std::lock_guard lock(mutex_);
    --running_;
  }
  changed_.notify_all();
}

void CpuScheduler::LeaveQueue(std::uint64_t ticket) {
  queue_.erase(std::find(queue_.begin(), queue_.end(), ticket));
  // The waiter behind this one may now be first in line.
  changed_.notify_all();
}

}  // namespace drux

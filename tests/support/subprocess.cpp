#include "support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

extern char** environ;

namespace drux::test {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void ThrowErrno(int error, const std::string& what) {
  throw std::system_error(error, std::generic_category(), what);
}

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

// Both ends close on exec, so a pipe made for one child never leaks into another child
// started at the same time (which would hold it open and hide end-of-file).
Pipe MakePipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) ThrowErrno(errno, "pipe2");
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void SetNonBlocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) ThrowErrno(errno, "fcntl");
}

int ExitCodeFromWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// The environment as "NAME=value" strings: ours, with extra_env added or replacing entries.
std::vector<std::string> ChildEnvironment(const std::map<std::string, std::string>& extra_env) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string name(text.substr(0, text.find('=')));
    if (!extra_env.contains(name)) env.emplace_back(text);
  }
  for (const auto& [name, value] : extra_env) env.push_back(name + "=" + value);
  return env;
}

// The program execve should run: argv0 itself when it names a path, else the first
// executable match on the child's PATH (as execvp would find it, but resolved before fork,
// where searching is not async-signal-safe).
std::string ResolveProgram(const std::string& argv0, const std::vector<std::string>& env) {
  if (argv0.find('/') != std::string::npos) return argv0;
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const std::string& entry : env) {
    if (entry.starts_with("PATH=")) path = entry.substr(5);
  }
  std::string_view remaining(path);
  while (true) {
    const std::size_t colon = remaining.find(':');
    const std::string_view dir = remaining.substr(0, colon);
    const std::string candidate = (dir.empty() ? "." : std::string(dir)) + "/" + argv0;
    struct stat info {};
    if (stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (colon == std::string_view::npos) break;
    remaining.remove_prefix(colon + 1);
  }
  ThrowErrno(ENOENT, "cannot start '" + argv0 + "': not found on PATH");
}

// fork() runs on this one thread, which lives until the process exits: the kernel sends
// PR_SET_PDEATHSIG when the *thread* that forked a child ends, so a server started from a
// short-lived worker thread would otherwise be killed as soon as that thread finished.
class ForkThread {
 public:
  static ForkThread& Instance() {
    static ForkThread instance;
    return instance;
  }

  // Forks on the fork thread. In the child, child_main runs and must never return; in the
  // parent, returns the child's pid, or -errno when fork failed.
  pid_t Fork(const std::function<void()>& child_main) {
    std::packaged_task<pid_t()> task([&child_main] {
      const pid_t pid = fork();
      if (pid == 0) child_main();
      return pid < 0 ? -errno : pid;
    });
    std::future<pid_t> result = task.get_future();
    {
      const std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    wake_.notify_one();
    return result.get();
  }

 private:
  ForkThread() : thread_([this] { Serve(); }) {}
  ~ForkThread() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  void Serve() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (stopping_) return;
      std::packaged_task<pid_t()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::packaged_task<pid_t()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

// Where the child's standard streams come from and go to.
struct ChildStreams {
  int in;
  int out;
  int err;
};

// Starts argv in a new process group with the given environment and streams. Returns once
// execve has succeeded; throws std::system_error with its errno when it failed.
pid_t Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            ChildStreams streams) {
  if (argv.empty()) throw std::invalid_argument("cannot start a process: argv is empty");
  const std::string program = ResolveProgram(argv[0], env);

  // Everything the child touches is prepared here: between fork and execve only
  // async-signal-safe calls are allowed (other threads may hold the allocator's locks).
  std::vector<char*> child_argv;
  for (const std::string& arg : argv) child_argv.push_back(const_cast<char*>(arg.c_str()));
  child_argv.push_back(nullptr);
  std::vector<char*> child_env;
  for (const std::string& entry : env) child_env.push_back(const_cast<char*>(entry.c_str()));
  child_env.push_back(nullptr);
  const pid_t parent_pid = getpid();
  // The child writes execve's errno here; end-of-file without data means execve succeeded.
  Pipe exec_status = MakePipe();

  const auto child_main = [&] {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    // The parent may have died before prctl took effect; then nobody would kill us.
    if (getppid() != parent_pid) _exit(127);
    sigset_t no_signals;
    sigemptyset(&no_signals);
    sigprocmask(SIG_SETMASK, &no_signals, nullptr);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(streams.in, STDIN_FILENO) < 0 || dup2(streams.out, STDOUT_FILENO) < 0 ||
        dup2(streams.err, STDERR_FILENO) < 0) {
      const int error = errno;
      (void)!write(exec_status.write.get(), &error, sizeof error);
      _exit(127);
    }
    // Descriptors the test process opened without O_CLOEXEC must not reach the child.
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    execve(program.c_str(), child_argv.data(), child_env.data());
    const int error = errno;
    (void)!write(exec_status.write.get(), &error, sizeof error);
    _exit(127);
  };

  const pid_t pid = ForkThread::Instance().Fork(child_main);
  if (pid < 0) ThrowErrno(-pid, "fork");
  exec_status.write.Reset();

  int exec_error = 0;
  ssize_t n;
  do {
    n = read(exec_status.read.get(), &exec_error, sizeof exec_error);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    waitpid(pid, nullptr, 0);
    ThrowErrno(exec_error, "cannot start '" + program + "'");
  }
  return pid;
}

// Waits until pid has exited, without reaping it (so its process group id stays reserved),
// or until deadline. Returns whether it exited.
bool WaitForExitUntil(pid_t pid, Clock::time_point deadline) {
  while (true) {
    siginfo_t info{};
    if (waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
      if (errno == EINTR) continue;
      return true;  // ECHILD: already reaped, so certainly exited
    }
    if (info.si_pid == pid) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Kills whatever is left of pid's process group, then reaps pid and returns its exit code.
// pid must have exited or be about to: this blocks until it has.
int KillGroupAndReap(pid_t pid) {
  kill(-pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return ExitCodeFromWaitStatus(status);
}

// Appends what is available on fd to sink; returns false at end-of-file or error.
bool DrainInto(int fd, std::string& sink) {
  char buffer[65536];
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      sink.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && errno == EAGAIN;
  }
}

// Blocks SIGPIPE on this thread while it writes to a child that may have exited already, so
// the write fails with EPIPE instead of killing the test process.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock() {
    sigset_t sigpipe = SigpipeSet();
    pthread_sigmask(SIG_BLOCK, &sigpipe, &previous_);
  }
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;
  ~ScopedSigpipeBlock() {
    // Consumes a SIGPIPE raised meanwhile, which unblocking would otherwise deliver.
    sigset_t sigpipe = SigpipeSet();
    const timespec no_wait{};
    while (sigtimedwait(&sigpipe, nullptr, &no_wait) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }

 private:
  static sigset_t SigpipeSet() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    return set;
  }
  sigset_t previous_{};
};

}  // namespace

ProcessResult RunProcess(const std::vector<std::string>& argv, const RunProcessOptions& options) {
  Pipe in = MakePipe();
  Pipe out = MakePipe();
  Pipe err = MakePipe();
  const pid_t pid = Spawn(argv, ChildEnvironment(options.extra_env),
                          ChildStreams{in.read.get(), out.write.get(), err.write.get()});
  const Clock::time_point deadline = Clock::now() + options.timeout;
  in.read.Reset();
  out.write.Reset();
  err.write.Reset();
  SetNonBlocking(in.write.get());
  SetNonBlocking(out.read.get());
  SetNonBlocking(err.read.get());

  const ScopedSigpipeBlock sigpipe_block;
  ProcessResult result;
  std::size_t stdin_written = 0;
  if (options.stdin_data.empty()) in.write.Reset();

  while (out.read || err.read || in.write) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) {
      result.timed_out = true;
      break;
    }
    std::vector<pollfd> polled;
    if (in.write) polled.push_back({in.write.get(), POLLOUT, 0});
    if (out.read) polled.push_back({out.read.get(), POLLIN, 0});
    if (err.read) polled.push_back({err.read.get(), POLLIN, 0});
    if (poll(polled.data(), polled.size(), static_cast<int>(remaining.count())) < 0) {
      if (errno == EINTR) continue;
      ThrowErrno(errno, "poll");
    }
    for (const pollfd& entry : polled) {
      if (entry.revents == 0) continue;
      if (entry.fd == in.write.get()) {
        const std::string_view pending = std::string_view(options.stdin_data).substr(stdin_written);
        const ssize_t n = write(entry.fd, pending.data(), pending.size());
        if (n > 0) stdin_written += static_cast<std::size_t>(n);
        // The child may exit without reading its input; that is its business, not an error.
        if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
            stdin_written == options.stdin_data.size()) {
          in.write.Reset();
        }
      } else if (entry.fd == out.read.get()) {
        if (!DrainInto(entry.fd, result.out)) out.read.Reset();
      } else if (entry.fd == err.read.get()) {
        if (!DrainInto(entry.fd, result.err)) err.read.Reset();
      }
    }
  }

  if (!result.timed_out && !WaitForExitUntil(pid, deadline)) result.timed_out = true;
  result.exit_code = KillGroupAndReap(pid);
  return result;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, 0)),
      reaped_(std::exchange(other.reaped_, true)),
      exit_code_(std::exchange(other.exit_code_, std::nullopt)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    Stop();
    pid_ = std::exchange(other.pid_, 0);
    reaped_ = std::exchange(other.reaped_, true);
    exit_code_ = std::exchange(other.exit_code_, std::nullopt);
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  Stop();
}

void ChildProcess::Start(const std::vector<std::string>& argv, const std::string& log_file_path) {
  if (!reaped_) throw std::logic_error("ChildProcess::Start: a process is already running");
  const UniqueFd log(open(log_file_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!log) ThrowErrno(errno, "cannot open log file '" + log_file_path + "'");
  const UniqueFd null_input(open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!null_input) ThrowErrno(errno, "cannot open /dev/null");
  pid_ = Spawn(argv, ChildEnvironment({}), ChildStreams{null_input.get(), log.get(), log.get()});
  reaped_ = false;
  exit_code_.reset();
}

bool ChildProcess::Running() {
  if (reaped_) return false;
  if (!WaitForExitUntil(pid_, Clock::now())) return true;
  exit_code_ = KillGroupAndReap(pid_);
  reaped_ = true;
  return false;
}

void ChildProcess::Stop(std::chrono::milliseconds grace) {
  if (reaped_) return;
  kill(-pid_, SIGTERM);
  WaitForExitUntil(pid_, Clock::now() + grace);
  exit_code_ = KillGroupAndReap(pid_);
  reaped_ = true;
}

}  // namespace drux::test

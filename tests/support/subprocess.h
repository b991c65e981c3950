// Child processes for tests, started directly (no shell) on POSIX.
//
// Every child runs in its own process group, so stopping it also stops anything it started,
// and is killed by the kernel if the test process dies (PR_SET_PDEATHSIG), so a crashed or
// aborted test never leaves a server behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace drux::test {

struct ProcessResult {
  // The exit status, or 128 + the signal number when a signal ended the process (as a shell
  // reports it); a timed-out process reports 128 + SIGKILL.
  int exit_code = -1;
  std::string out;  // everything the process wrote to stdout
  std::string err;  // everything the process wrote to stderr
  bool timed_out = false;
};

struct RunProcessOptions {
  // Added to (or replacing entries of) this process's environment.
  std::map<std::string, std::string> extra_env;
  // Written to the child's stdin, which is then closed; empty means stdin is empty.
  std::string stdin_data;
  // The process group is killed (SIGKILL) when it has not exited by then.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

// Runs argv[0] (looked up on PATH when it has no '/') with arguments argv[1..], waits for it
// to exit and returns its output. Throws std::system_error when the program cannot be
// started (not found, not executable); a program that starts and fails is a result, not an
// exception.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const RunProcessOptions& options = {});

// A long-running child (a server) whose stdout and stderr go to a log file. Stopped by its
// destructor. Not thread-safe: one thread owns it.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  // Starts argv (looked up on PATH when it has no '/') with stdin from /dev/null and stdout
  // and stderr written to log_file_path (created, or truncated when it exists). Throws
  // std::system_error when the log cannot be opened or the program cannot be started,
  // std::logic_error when this object already runs a process.
  void Start(const std::vector<std::string>& argv, const std::string& log_file_path);

  // The child's process id; 0 before Start.
  pid_t pid() const { return pid_; }

  // Whether the child is still running; reaps it (and records its exit code) when it has
  // exited.
  bool Running();

  // The exit code (as in ProcessResult) once the child has exited and was reaped by
  // Running() or Stop(); nullopt before.
  std::optional<int> exit_code() const { return exit_code_; }

  // Sends SIGTERM to the child's process group, waits up to grace for it to exit, then sends
  // SIGKILL and waits. Does nothing when no child runs.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  pid_t pid_ = 0;
  bool reaped_ = true;
  std::optional<int> exit_code_;
};

}  // namespace drux::test

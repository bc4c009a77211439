#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// A well-behaved lock client running beside an abuse test (SAFETY.md §3.5 "probe the node"):
// on its own connection it takes `SET lock:probe <token> NX PX 1000` and releases it with DEL
// every ~10 ms until stopped, and counts every reply that is not the expected one (a timeout or
// a closed connection counts too, and the probe then reconnects).
namespace locknode::test {

class LockProbe {
 public:
  // Starts at once. `timeout` is the longest wait for one reply before it counts as an error.
  explicit LockProbe(int port, std::chrono::milliseconds timeout = std::chrono::seconds(1));
  ~LockProbe();
  LockProbe(const LockProbe&) = delete;
  LockProbe& operator=(const LockProbe&) = delete;

  void Stop();  // idempotent; the accessors below are exact once it returned
  int rounds() const { return rounds_; }
  long max_latency_ms() const { return max_latency_ms_; }
  std::vector<std::string> errors() const;
  // "probe_ok=<rounds without error> probe_err=<errors> probe_max_ms=<worst round>".
  std::string Summary() const;

 private:
  void Loop(int port);

  const std::chrono::milliseconds timeout_;
  std::atomic<bool> stop_{false};
  std::atomic<int> rounds_{0};
  std::atomic<long> max_latency_ms_{0};
  mutable std::mutex mu_;
  std::vector<std::string> errors_;
  std::thread thread_;
};

}  // namespace locknode::test

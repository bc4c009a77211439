#pragma once

#include <atomic>
#include <string_view>
#include <sys/types.h>
#include <thread>

// What an abuse test measures of the server process (SAFETY.md §3.5): memory from
// /proc/<pid>/status and open descriptors from /proc/<pid>/fd.
namespace locknode::test {

// The servers the tests start are built with the same flags as the tests themselves, so this
// says whether the server runs under AddressSanitizer, whose shadow memory and quarantine make
// RSS figures meaningless as bounds.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitizedBuild = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif
#else
inline constexpr bool kSanitizedBuild = false;
#endif

// The kB figure of one /proc/<pid>/status line ("VmRSS", "VmHWM"), or -1 if unreadable.
long ProcStatusKb(pid_t pid, std::string_view field);
// Number of entries in /proc/<pid>/fd, or -1 if unreadable.
int CountFds(pid_t pid);

// Samples VmRSS every 100 ms on its own thread and keeps the largest value seen. VmHWM (the
// kernel's own peak) covers the gaps between samples; peak_kb() reports the larger of the two.
class RssSampler {
 public:
  explicit RssSampler(pid_t pid);
  ~RssSampler();
  RssSampler(const RssSampler&) = delete;
  RssSampler& operator=(const RssSampler&) = delete;
  void Stop();
  long peak_kb() const;

 private:
  const pid_t pid_;
  std::atomic<bool> stop_{false};
  std::atomic<long> max_rss_kb_{0};
  std::thread thread_;
};

}  // namespace locknode::test

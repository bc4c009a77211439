#include "support/proc_stats.h"

#include <algorithm>
#include <chrono>
#include <dirent.h>
#include <fstream>
#include <string>

namespace locknode::test {

long ProcStatusKb(pid_t pid, std::string_view field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    // "VmRSS:\t   12345 kB"
    if (line.size() > field.size() && line.compare(0, field.size(), field) == 0 &&
        line[field.size()] == ':') {
      return std::stol(line.substr(field.size() + 1));
    }
  }
  return -1;
}

int CountFds(pid_t pid) {
  DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (dir == nullptr) return -1;
  int count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count;
}

RssSampler::RssSampler(pid_t pid)
    : pid_(pid), thread_([this] {
        while (!stop_) {
          const long rss = ProcStatusKb(pid_, "VmRSS");
          if (rss > max_rss_kb_) max_rss_kb_ = rss;
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }) {}

RssSampler::~RssSampler() { Stop(); }

void RssSampler::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

long RssSampler::peak_kb() const {
  return std::max(max_rss_kb_.load(), ProcStatusKb(pid_, "VmHWM"));
}

}  // namespace locknode::test

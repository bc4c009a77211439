// The lease file of restart safety (include/locknode/base/lease_file.h).
#include "locknode/base/lease_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

#include "locknode/base/strings.h"

namespace locknode {
namespace {

constexpr std::string_view kMagic = "locknode-lease-v1";

std::string ErrnoText(std::string_view what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

// The value of " name=value" in `text`, or "" if absent.
std::string_view Field(std::string_view text, std::string_view name) {
  // Appended piece by piece: `" " + std::string(...)` makes GCC 12 warn (-Wrestrict, a false
  // positive inside operator+(const char*, string&&)) in Release builds.
  std::string key(1, ' ');
  key.append(name).push_back('=');
  const size_t at = text.find(key);
  if (at == std::string_view::npos) return {};
  const size_t start = at + key.size();
  const size_t end = text.find_first_of(" \n", start);
  return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
}

}  // namespace

std::string ReadBootId() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  if (!(in >> id)) return {};
  return id;
}

std::optional<LeaseRecord> ParseLeaseRecord(std::string_view text) {
  if (!text.starts_with(kMagic)) return std::nullopt;
  LeaseRecord record;
  record.boot_id = std::string(Field(text, "boot"));
  const auto watermark = ParseInt64(Field(text, "watermark_ms"));
  const auto longest = ParseInt64(Field(text, "longest_ttl_ms"));
  if (!watermark || !longest || *longest < 0) return std::nullopt;
  record.watermark = *watermark;
  record.longest_ttl = *longest;
  const std::string_view epoch_text = Field(text, "epoch");
  if (!epoch_text.empty()) {
    const auto epoch = ParseInt64(epoch_text);
    if (!epoch || *epoch < 0) return std::nullopt;
    record.epoch = *epoch;
  }
  return record;
}

std::string FormatLeaseRecord(const LeaseRecord& r) {
  return std::string(kMagic) + " boot=" + (r.boot_id.empty() ? "-" : r.boot_id) +
         " watermark_ms=" + std::to_string(r.watermark) +
         " longest_ttl_ms=" + std::to_string(r.longest_ttl) + " epoch=" + std::to_string(r.epoch) +
         "\n";
}

LeaseFile::~LeaseFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool LeaseFile::Open(const std::string& path, std::optional<LeaseRecord>* previous,
                     std::string* error) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    *error = ErrnoText("cannot open lease file", path);
    return false;
  }
  char buf[512];
  const ssize_t n = ::pread(fd_, buf, sizeof(buf), 0);
  if (n < 0) {
    *error = ErrnoText("cannot read lease file", path);
    return false;
  }
  previous->reset();
  if (n == 0) return true;
  *previous = ParseLeaseRecord({buf, static_cast<size_t>(n)});
  if (!previous->has_value()) {
    *error = "lease file " + path +
             " is not a locknode lease record; refusing to guess how long old locks live "
             "(remove it only if no lock granted by this node can still be live)";
    return false;
  }
  return true;
}

// A record is far smaller than a page, so the pwrite is not torn by a process crash; the
// trailing spaces pad over a longer previous record instead of truncating (one syscall less).
bool LeaseFile::Store(const LeaseRecord& record, std::string* error) {
  std::string line = FormatLeaseRecord(record);
  line.insert(line.size() - 1, std::string(line.size() < 160 ? 160 - line.size() : 0, ' '));
  if (::pwrite(fd_, line.data(), line.size(), 0) != static_cast<ssize_t>(line.size())) {
    *error = ErrnoText("cannot write lease file", path_);
    return false;
  }
  if (::fdatasync(fd_) != 0) {
    *error = ErrnoText("cannot sync lease file", path_);
    return false;
  }
  return true;
}

}  // namespace locknode

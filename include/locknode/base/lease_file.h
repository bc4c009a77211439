#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "locknode/base/millis.h"

namespace locknode {

// What a node must remember across a restart to know how long its old locks may still live
// (restart safety, SAFETY.md G3): the latest deadline it ever granted, on CLOCK_MONOTONIC of
// the boot that granted it, and the longest TTL it ever granted (the bound when the host
// rebooted and that clock started again from zero).
struct LeaseRecord {
  std::string boot_id;   // /proc/sys/kernel/random/boot_id of the boot the deadlines belong to
  Millis watermark = 0;  // no key granted before the stop outlives this monotonic time
  Millis longest_ttl = 0;
  // Starts of the node on this file, this one included (fencing-keys: README "Fencing tokens").
  // Absent in files written before it existed: read as 0.
  int64_t epoch = 0;
};

// This boot's id, or "" where the kernel does not say (then every restart counts as a reboot).
std::string ReadBootId();

// The lease file: one text line, rewritten in place (write + fdatasync) ahead of the grants by
// LeaseWriter (lease_writer.h), and a grant is answered only once a record covering it is on
// disk, so a crash at any point leaves a record at least as late as every grant that was
// answered. Not thread-safe: one thread stores at a time (the startup, then the writer thread).
class LeaseFile {
 public:
  LeaseFile() = default;
  ~LeaseFile();
  LeaseFile(const LeaseFile&) = delete;
  LeaseFile& operator=(const LeaseFile&) = delete;

  // Opens (creating with mode 0600) `path`. On success `*previous` is the record found in it,
  // or nullopt for an empty/new file (a first-ever start). A file that exists but does not
  // parse is an error: guessing would risk exactly the double grant the file prevents.
  bool Open(const std::string& path, std::optional<LeaseRecord>* previous, std::string* error);

  // Durably replaces the record. False (with errno text) if the write or the sync failed.
  bool Store(const LeaseRecord& record, std::string* error);

  bool is_open() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
  std::string path_;
};

// Parsing and formatting, exposed for tests.
std::optional<LeaseRecord> ParseLeaseRecord(std::string_view text);
std::string FormatLeaseRecord(const LeaseRecord& record);

}  // namespace locknode

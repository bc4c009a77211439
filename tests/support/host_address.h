#pragma once

#include <cstdint>
#include <string>

// Addresses and limits of the machine the tests run on, for tests that need a peer that is not
// on loopback (protected mode, the loopback reserve) or many descriptors (connection floods).
namespace locknode::test {

// The first IPv4 address of an interface that is up and not loopback, or "" when the machine
// has none. A client that connects to it from this host has it as its source address too, so
// the server sees a non-loopback peer without any network namespace.
std::string NonLoopbackIpv4();

// Raises this process's soft RLIMIT_NOFILE to at least `wanted` (up to the hard limit); returns
// the soft limit in force afterwards.
uint64_t RaiseOpenFileLimit(uint64_t wanted);

// A field of /proc/<pid>/status in kB (VmRSS, VmHWM ...), or -1 if it cannot be read.
int64_t ProcStatusKb(int pid, const std::string& field);

}  // namespace locknode::test

#pragma once

// `locknode lock [options] NAME -- CMD [ARGS...]`: runs CMD while holding a Redlock on NAME
// across the given nodes (the client side of the five-node deployment; it shares no code with
// the server and runs before the server's own option parsing).
namespace locknode::lockcli {

// Exit codes of `locknode lock` itself. Anything else is CMD's own exit code (or 128 + the
// signal that ended it, as shells report it).
inline constexpr int kExitUsage = 64;  // bad options (sysexits EX_USAGE)
inline constexpr int kExitNodesUnreachable =
    69;  // fewer than a quorum of nodes answered (EX_UNAVAILABLE)
inline constexpr int kExitNotAcquired =
    75;                                   // held by someone else until --wait ran out (EX_TEMPFAIL)
inline constexpr int kExitLockLost = 79;  // quorum lost while CMD ran; CMD was terminated
inline constexpr int kExitCannotExecute = 126;  // CMD found but not executable (shell convention)
inline constexpr int kExitNotFound = 127;       // CMD not found (shell convention)

// argv[0] is "lock". Returns the process exit code.
int Main(int argc, char** argv);

}  // namespace locknode::lockcli

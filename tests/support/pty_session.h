#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

// Runs an interactive program (redis-cli) in a pseudo-terminal, so it behaves as it does for a
// human: linenoise line editing, hints, the prompt. Tests type keystrokes and read the screen
// bytes back.
namespace locknode::test {

class PtySession {
 public:
  // forkpty + execvp(argv). started() is false if either fails.
  explicit PtySession(const std::vector<std::string>& argv);
  // Kills the child (SIGKILL) if still running and reaps it.
  ~PtySession();
  PtySession(const PtySession&) = delete;
  PtySession& operator=(const PtySession&) = delete;

  bool started() const { return master_fd_ >= 0; }

  // Writes keystrokes to the terminal.
  bool Type(std::string_view keys);
  // Reads terminal output until `needle` appears in the text received since the last Mark()
  // (escape sequences removed), or until `timeout`. True if it appeared.
  bool WaitFor(std::string_view needle, std::chrono::milliseconds timeout);
  // Reads whatever arrives for `quiet` (used to let a redraw finish).
  void Drain(std::chrono::milliseconds quiet);
  // Starts a new window for WaitFor/Recent.
  void Mark() { mark_ = screen_.size(); }
  // Text received since the last Mark(), escape sequences removed.
  std::string Recent() const;
  // All raw bytes received (with escape sequences), for failure messages.
  const std::string& raw() const { return screen_; }

 private:
  // Reads available output for at most `timeout`; false on EOF/error.
  bool ReadSome(std::chrono::milliseconds timeout);

  int master_fd_ = -1;
  pid_t pid_ = -1;
  std::string screen_;
  size_t mark_ = 0;
};

// Removes ANSI/VT100 escape sequences (CSI "ESC [ ... final" and two-byte ESC x) and carriage
// returns, leaving the visible text.
std::string StripAnsi(std::string_view raw);

}  // namespace locknode::test

#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "locknode/base/millis.h"

namespace locknode::protocol {
class ReplySink;
}

namespace locknode::command {

struct CommandSpec;

// What the session's command loop is doing (Redis's CLIENT_MULTI / CLIENT_BLOCKED). The states
// are exclusive; ClientState::EnterMode allows only the transitions below, so a command cannot
// leave a session in a state the session does not know how to serve:
//
//   kNormal --MULTI--> kQueuing --EXEC / DISCARD / RESET--> kNormal
//   kNormal --a blocking command with nothing to pop--> kBlocked --woken / timeout / unblock-->
//   kNormal
//
// A session inside MULTI never blocks (Redis runs blocking commands in EXEC without blocking).
// Being subscribed is not a mode: in RESP3 a subscriber runs every command, and in RESP2 only the
// subscribed-context commands (ClientState::subscribed_context()).
enum class SessionMode : uint8_t {
  kNormal,
  kQueuing,  // inside MULTI: commands that pass every check are queued, not run
  kBlocked,  // waiting on a key: the session runs nothing more until it is woken
};

// Where a session in kQueuing puts its commands (MULTI's queue, later run by EXEC through the same
// funnel). `args` and `reply` are valid only during the call.
class CommandQueue {
 public:
  virtual ~CommandQueue() = default;
  // The command passed lookup, arity, auth and admission: keep it, reply +QUEUED.
  virtual void Queue(const CommandSpec& cmd, std::span<const std::string_view> args,
                     protocol::ReplySink& reply) = 0;
  // A command was refused while queuing (Redis flagTransaction): EXEC must abort.
  virtual void MarkFailed() = 0;
};

// How the command layer tells the connection that owns a ClientState what changed, at the moment
// it changes (net implements it; nothing is read back after each command). Called from inside a
// command: an implementation only records or schedules, it never runs commands.
class SessionSignals {
 public:
  // HELLO / RESET: replies from now on are in this protocol.
  virtual void ProtocolChanged(int resp_version) = 0;
  // AUTH / HELLO AUTH / RESET: the request limits for unauthenticated clients apply or not.
  virtual void AuthChanged(bool authenticated) = 0;
  // QUIT / SHUTDOWN: send what is queued, then close.
  virtual void CloseAfterReply() = 0;
  // EnterMode succeeded. Leaving kBlocked is how a woken client resumes its pipeline.
  virtual void ModeChanged(SessionMode from, SessionMode to) = 0;

  // Delivery to this client from ANOTHER client's command (PUBLISH's messages; blocked pops'
  // wake-ups reuse it). PushSink is the session's own reply writer: it encodes in this client's
  // protocol and appends to its queued output, after whatever is already there, so replies and
  // pushes keep their order. Write one whole message, then call PushWritten, which applies the
  // session's output limit (the pubsub class while subscribed: a subscriber that does not read
  // is closed, never buffered without bound) and starts a write unless one is in flight or the
  // session's own batch will write. Neither call runs commands or closes synchronously, so a
  // publisher may go on iterating its subscribers. After the limit was hit the sink discards.
  virtual protocol::ReplySink& PushSink() = 0;
  virtual void PushWritten() = 0;

  // The command just entered kBlocked with a timeout: at `deadline` (monotonic ms, the Clock's)
  // the session calls Dispatcher::BlockTimedOut, unless it left kBlocked before (leaving
  // cancels it). A client that cannot time out (unit tests' fakes) ignores it.
  virtual void BlockDeadline(Millis /*deadline*/) {}

 protected:
  ~SessionSignals() = default;
};

// Per-connection state that commands read and change (HELLO, AUTH, CLIENT SETNAME, QUIT...).
// Owned by the session; the dispatcher sees it by reference for the length of one command. The
// plain descriptive fields are public; the state the session acts on (protocol, auth, close,
// mode) changes only through the setters, which signal the session.
class ClientState {
 public:
  uint64_t id = 0;
  std::string name;      // CLIENT SETNAME
  std::string lib_name;  // CLIENT SETINFO LIB-NAME
  std::string lib_ver;   // CLIENT SETINFO LIB-VER
  std::string peer;      // "ip:port" of the peer, for CLIENT LIST/INFO
  std::string local;     // "ip:port" of our end
  int fd = -1;
  Millis created_ms = 0;  // monotonic
  Millis last_interaction_ms = 0;
  std::string last_command;  // lower-case name of the last command, for CLIENT LIST
  // Buffer sizes for CLIENT LIST (qbuf, qbuf-free, omem, tot-mem), refreshed by the session
  // just before the list is built; not kept current between lists.
  int64_t qbuf = 0;       // received bytes not yet parsed
  int64_t qbuf_free = 0;  // free room in the read buffer
  int64_t omem = 0;       // queued reply bytes
  int64_t tot_mem = 0;    // everything allocated for the client's buffers
  bool monitor = false;   // MONITOR: receives every command (flag O in CLIENT LIST)
  bool no_touch = false;  // CLIENT NO-TOUCH ON (flag T); keys keep no access clock here anyway

  // Who is told of changes; null (unit tests, scripts' fake clients) tells nobody.
  void set_signals(SessionSignals* signals) { signals_ = signals; }

  int resp_version() const { return resp_version_; }  // 2 until HELLO 3
  void SetProtocol(int resp_version);
  // False while requirepass is set and AUTH has not succeeded.
  bool authenticated() const { return authenticated_; }
  void SetAuthenticated(bool authenticated);
  bool close_after_reply() const { return close_after_reply_; }
  void RequestClose();

  SessionMode mode() const { return mode_; }
  // The transaction queue while mode() == kQueuing, else null.
  CommandQueue* queue() const { return queue_; }
  // Moves along one of the transitions drawn at SessionMode; `queue` is required to enter
  // kQueuing and ignored otherwise. False, changing nothing, for any other transition.
  bool EnterMode(SessionMode to, CommandQueue* queue = nullptr);
  static bool CanEnter(SessionMode from, SessionMode to);

  // Whether another client's command can send to this one (a session; not a script's fake
  // client or a unit test's bare state), and how (SessionSignals::PushSink / PushWritten).
  bool can_push() const { return signals_ != nullptr; }
  protocol::ReplySink& PushSink() { return signals_->PushSink(); }
  void PushWritten() { signals_->PushWritten(); }
  // See SessionSignals::BlockDeadline.
  void SetBlockDeadline(Millis deadline) {
    if (signals_ != nullptr) signals_->BlockDeadline(deadline);
  }

  // Channels and patterns subscribed to (pub/sub keeps it current).
  size_t subscriptions() const { return subscriptions_; }
  void set_subscriptions(size_t n) { subscriptions_ = n; }
  // Redis's RESP2 subscribed context: only (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT, RESET.
  bool subscribed_context() const { return subscriptions_ != 0 && resp_version_ == 2; }

 private:
  SessionSignals* signals_ = nullptr;
  int resp_version_ = 2;
  bool authenticated_ = true;
  bool close_after_reply_ = false;
  SessionMode mode_ = SessionMode::kNormal;
  CommandQueue* queue_ = nullptr;
  size_t subscriptions_ = 0;
};

}  // namespace locknode::command

#pragma once

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

// What the session is doing, which decides how the funnel treats its next command (Redis's
// CLIENT_MULTI / CLIENT_PUBSUB / CLIENT_BLOCKED). Only kNormal is entered today; the funnel
// already applies the others' rules so MULTI, SUBSCRIBE and blocking pops plug in.
enum class SessionMode : uint8_t {
  kNormal,
  kQueuing,     // inside MULTI: commands that pass every check are queued, not run
  kSubscribed,  // RESP2 subscriber: only kPubSubOk commands
  kBlocked,     // waiting on a key; the session sends nothing until it is woken
};

// Where a session in kQueuing puts its commands (issue 16 implements it: MULTI's queue, later run
// by EXEC through the same funnel). `args` and `reply` are valid only during the call.
class CommandQueue {
 public:
  virtual ~CommandQueue() = default;
  // The command passed lookup, arity, auth and admission: keep it, reply +QUEUED.
  virtual void Queue(const CommandSpec& cmd, std::span<const std::string_view> args,
                     protocol::ReplySink& reply) = 0;
  // A command was refused while queuing (Redis flagTransaction): EXEC must abort.
  virtual void MarkFailed() = 0;
};

// Per-connection state that commands read and change (HELLO, AUTH, CLIENT SETNAME, QUIT...).
// Owned by the session; the dispatcher sees it by reference for the length of one command.
struct ClientState {
  uint64_t id = 0;
  int resp_version = 2;  // 2 until HELLO 3
  SessionMode mode = SessionMode::kNormal;
  CommandQueue* queue = nullptr;   // set while mode == kQueuing
  bool authenticated = true;       // false while requirepass is set and AUTH has not succeeded
  bool close_after_reply = false;  // QUIT, protocol errors
  std::string name;                // CLIENT SETNAME
  std::string lib_name;            // CLIENT SETINFO LIB-NAME
  std::string lib_ver;             // CLIENT SETINFO LIB-VER
  std::string peer;                // "ip:port" of the peer, for CLIENT LIST/INFO
  std::string local;               // "ip:port" of our end
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
};

}  // namespace locknode::command

#pragma once

#include <cstdint>
#include <string>

#include "locknode/base/millis.h"

namespace locknode::command {

// Per-connection state that commands read and change (HELLO, AUTH, CLIENT SETNAME, QUIT...).
// Owned by the session; the dispatcher sees it by reference for the length of one command.
struct ClientState {
  uint64_t id = 0;
  int resp_version = 2;          // 2 until HELLO 3
  bool authenticated = true;     // false while requirepass is set and AUTH has not succeeded
  bool close_after_reply = false;  // QUIT, protocol errors
  std::string name;              // CLIENT SETNAME
  std::string lib_name;          // CLIENT SETINFO LIB-NAME
  std::string lib_ver;           // CLIENT SETINFO LIB-VER
  std::string peer;              // "ip:port" of the peer, for CLIENT LIST/INFO
  std::string local;             // "ip:port" of our end
  int fd = -1;
  Millis created_ms = 0;         // monotonic
  Millis last_interaction_ms = 0;
  std::string last_command;      // lower-case name of the last command, for CLIENT LIST
  // Buffer sizes for CLIENT LIST (qbuf, qbuf-free, omem, tot-mem), refreshed by the session
  // just before the list is built; not kept current between lists.
  int64_t qbuf = 0;       // received bytes not yet parsed
  int64_t qbuf_free = 0;  // free room in the read buffer
  int64_t omem = 0;       // queued reply bytes
  int64_t tot_mem = 0;    // everything allocated for the client's buffers
};

}  // namespace locknode::command

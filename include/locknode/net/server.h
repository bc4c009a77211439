#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "locknode/base/clock.h"
#include "locknode/base/config.h"
#include "locknode/command/dispatcher.h"
#include "locknode/command/server_control.h"
#include "locknode/net/client_limits.h"
#include "locknode/net/expiry_driver.h"
#include "locknode/net/log_limiter.h"
#include "locknode/net/poller.h"
#include "locknode/net/session_context.h"
#include "locknode/protocol/request_parser.h"

namespace locknode::net {

class Session;
enum class Admission;

// The listening side and the registry of sessions (Asio http/server's `server` plus
// `connection_manager`). It also implements command::ServerControl, which is how INFO, CLIENT
// LIST and SHUTDOWN reach the server without command depending on net.
//
// Lifecycle (all on the io_context's one thread): construct; Bind() (throws at startup only);
// Start(dispatcher) once the Shard exists; io_context::run(); Shutdown() (directly, or posted by
// RequestShutdown) closes everything and stops the io_context.
class Server final : public command::ServerControl, private SessionRegistry {
 public:
  // Connections queued by the kernel before accept (Redis tcp-backlog default).
  static constexpr int kBacklog = 511;

  Server(boost::asio::io_context& io, const Config& config, const Clock& clock);
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens, binds and listens on every address of config.bind (space-separated, like Redis):
  // on `port` unless PlainTcpEnabled() says no, and on `tls-port` when TLS is on (the TLS
  // context is loaded first, so a bad certificate stops startup before anything listens).
  // With port 0 the first address gets an ephemeral port and the others reuse it. Logs
  // "listening on <addr>:<port>" (plus " (TLS)") and writes port_file / tls_port_file if set.
  // Throws std::system_error (sockets, port files) or std::runtime_error (TLS files).
  void Bind();
  // Starts accepting; sessions run their commands through `dispatcher`, whose Shard's keyspace
  // the expiry driver serves. `dispatcher` must outlive the run of the io_context.
  void Start(command::Dispatcher& dispatcher);
  // Stops accepting, closes every session, stops the timers and the io_context. Idempotent.
  void Shutdown();

  // command::ServerControl.
  size_t ClientCount() const override { return sessions_.size(); }
  void ForEachClient(const std::function<void(const command::ClientState&)>& fn) const override;
  void RequestShutdown() override;  // deferred: the calling command finishes first
  int BoundPort() const override { return bound_port_; }         // 0 when plain TCP is off
  int BoundTlsPort() const override { return tls_bound_port_; }  // 0 when TLS is off
  void KillClient(uint64_t id) override;
  void PauseClients(Millis end, bool all) override { pause_.Pause(end, all); }
  void UnpauseClients() override { pause_.Unpause(); }

  // What the server's own parts (listener, sweep) read.
  const Config& config() const { return config_; }
  const Clock& clock() const { return clock_; }

 private:
  struct Listener {
    explicit Listener(boost::asio::io_context& io) : acceptor(io), retry_timer(io) {}
    boost::asio::ip::tcp::acceptor acceptor;
    boost::asio::steady_timer retry_timer;  // backs off after accept errors such as EMFILE
    std::string address;
    bool tls = false;  // the tls-port: sessions handshake first
  };

  // Binds `port` on every bind address; returns the port bound (the ephemeral one for 0).
  int BindAll(int port, bool tls);
  int BindOne(Listener& listener, const std::string& address, int port);
  void Accept(Listener& listener);
  void OnAccept(Listener& listener, const boost::system::error_code& ec,
                boost::asio::ip::tcp::socket socket);
  void Reject(boost::asio::ip::tcp::socket& socket, Admission verdict, bool tls);
  // The once-a-second client sweep (client_sweep.cc).
  bool SweepNeeded() const;
  void ScheduleSweep();
  void SweepClients();
  void EvictClients(std::vector<ClientMemory> usage);
  // SessionRegistry: drops the registry's reference to a closed session.
  void Unregister(uint64_t id) override { sessions_.erase(id); }

  boost::asio::io_context& io_;
  const Config& config_;
  const Clock& clock_;
  command::Dispatcher* dispatcher_ = nullptr;
  std::optional<ExpiryDriver> expiry_;
  Poller poller_;  // plain-TCP sessions; declared before them, outlives their registration
  std::list<Listener> listeners_;  // stable addresses: handlers refer to their listener
  std::map<uint64_t, std::shared_ptr<Session>> sessions_;  // by client id: CLIENT LIST order
  uint64_t next_client_id_ = 1;
  int bound_port_ = 0;
  int tls_bound_port_ = 0;
  std::optional<boost::asio::ssl::context> tls_context_;  // set when TLS is on
  protocol::ParserLimits limits_;
  protocol::ParserLimits unauth_limits_;
  boost::asio::steady_timer idle_timer_;  // the client sweep; only runs if a limit needs it
  OutputLimits output_limits_;
  OutputLimits pubsub_output_limits_;
  SessionLogs session_logs_;
  ClientPause pause_;
  std::optional<SessionContext> session_context_;  // set by Start(): what every session gets
  LogLimiter reject_log_;
  LogLimiter accept_error_log_;
  bool stopping_ = false;
};

}  // namespace locknode::net

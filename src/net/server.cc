// Server lifecycle, the session registry and the ServerControl interface.
#include "locknode/net/server.h"

#include <chrono>
#include <vector>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "locknode/net/session.h"

namespace locknode::net {

namespace asio = boost::asio;
using boost::system::error_code;

Server::Server(asio::io_context& io, const Config& config, const Clock& clock)
    : io_(io),
      config_(config),
      clock_(clock),
      poller_(io, config.io_uring),
      idle_timer_(io),
      output_limits_(OutputLimits::FromConfig(config)),
      pubsub_output_limits_(OutputLimits::PubSubFromConfig(config)),
      pause_(io, clock) {
  limits_.max_bulk_len = config.proto_max_bulk_len;
  limits_.max_multibulk_len = config.proto_max_multibulk_len;
  limits_.max_inline_len = static_cast<size_t>(config.proto_inline_max_size);
  unauth_limits_ = limits_;
  unauth_limits_.unauthenticated = true;
}

Server::~Server() = default;

void Server::Start(command::Dispatcher& dispatcher) {
  dispatcher_ = &dispatcher;
  expiry_.emplace(io_, dispatcher.keyspace(), clock_);
  session_context_.emplace(SessionContext{io_, config_, clock_, dispatcher, *expiry_, poller_,
                                          limits_, unauth_limits_, output_limits_,
                                          pubsub_output_limits_, session_logs_, *this, pause_});
  poller_.Start();
  if (poller_.io_uring_active()) {
    spdlog::info("client I/O: epoll, recv/send batched through io_uring");
  } else if (config_.io_uring) {
    spdlog::info("client I/O: epoll, one system call per recv/send ({})",
                 poller_.io_uring_refusal());
  } else {
    spdlog::info("client I/O: epoll, one system call per recv/send (io-uring no)");
  }
  for (Listener& listener : listeners_) Accept(listener);
  if (SweepNeeded()) ScheduleSweep();
}

void Server::Shutdown() {
  if (stopping_) return;
  stopping_ = true;
  spdlog::info("shutting down");
  error_code ignored;
  for (Listener& listener : listeners_) {
    listener.acceptor.close(ignored);
    listener.retry_timer.cancel();
  }
  idle_timer_.cancel();
  if (expiry_) expiry_->Stop();
  poller_.Stop();
  // Close() unregisters, so close from a copy of the registry.
  std::vector<std::shared_ptr<Session>> sessions;
  sessions.reserve(sessions_.size());
  for (auto& [id, session] : sessions_) sessions.push_back(session);
  for (auto& session : sessions) session->Close("server shutdown");
  // Also ends waits owned by others (the app's signal_set): the process is leaving.
  io_.stop();
}

void Server::RequestShutdown() {
  // SHUTDOWN runs inside a session's batch; tearing sessions down under it would pull the
  // ground from beneath the caller, so the work happens on the next turn of the loop.
  asio::post(io_, [this] { Shutdown(); });
}

void Server::KillClient(uint64_t id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  // Keeps the session alive until Close() has returned (it unregisters itself).
  const std::shared_ptr<Session> session = it->second;
  session->Close("killed (CLIENT KILL)");
}

void Server::ForEachClient(const std::function<void(const command::ClientState&)>& fn) const {
  for (const auto& [id, session] : sessions_) {
    session->RefreshBufferStats();
    fn(session->client());
  }
}

}  // namespace locknode::net

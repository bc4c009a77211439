#include "support/lock_probe.h"

#include <memory>

#include "support/resp_client.h"

namespace locknode::test {

namespace {
using SteadyClock = std::chrono::steady_clock;
}  // namespace

LockProbe::LockProbe(int port, std::chrono::milliseconds timeout)
    : timeout_(timeout), thread_([this, port] { Loop(port); }) {}

LockProbe::~LockProbe() { Stop(); }

void LockProbe::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> LockProbe::errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return errors_;
}

std::string LockProbe::Summary() const {
  const size_t errors = this->errors().size();
  return "probe_ok=" + std::to_string(rounds_ - static_cast<int>(errors)) +
         " probe_err=" + std::to_string(errors) +
         " probe_max_ms=" + std::to_string(max_latency_ms_.load());
}

void LockProbe::Loop(int port) {
  auto client = std::make_unique<RespClient>(port);
  const std::string token = "probe-" + std::to_string(port);
  const std::string set = EncodeCommand({"SET", "lock:probe", token, "NX", "PX", "1000"});
  const std::string del = EncodeCommand({"DEL", "lock:probe"});
  auto fail = [&](std::string what) {
    std::lock_guard<std::mutex> lock(mu_);
    errors_.push_back(std::move(what));
  };
  while (!stop_) {
    const auto start = SteadyClock::now();
    std::string got_set = "<send failed>";
    std::string got_del = "<send failed>";
    if (client->Send(set)) got_set = client->Read(timeout_).Describe();
    if (client->Send(del)) got_del = client->Read(timeout_).Describe();
    const long ms = static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count());
    if (ms > max_latency_ms_) max_latency_ms_ = ms;
    const bool ok = got_set == "+OK\r\n" && got_del == ":1\r\n";
    if (!ok) {
      fail("SET: " + EscapeBytes(got_set) + " DEL: " + EscapeBytes(got_del));
      client = std::make_unique<RespClient>(port);  // a late reply must not shift the next ones
    }
    ++rounds_;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace locknode::test

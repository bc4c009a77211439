// Transport's plain-TCP path on the Poller, over real loopback sockets and a real io_context.
#include <chrono>
#include <memory>
#include <string>
#include <sys/socket.h>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "locknode/net/poller.h"
#include "locknode/net/transport.h"

namespace locknode::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

// A server-side Transport and the blocking client socket at the other end.
struct Pair {
  std::unique_ptr<Transport> server;
  tcp::socket client;
};

// Each test runs twice: socket calls one by one, and batched through io_uring (skipped where
// the kernel refuses io_uring, with the reason).
class TransportPlainTest : public ::testing::TestWithParam<bool> {
 protected:
  TransportPlainTest()
      : poller_(io_, GetParam()),
        acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    poller_.Start();
  }

  void SetUp() override {
    if (GetParam() && !poller_.io_uring_active()) {
      GTEST_SKIP() << "io_uring refused here: " << poller_.io_uring_refusal();
    }
  }

  Pair Connect() {
    tcp::socket client(io_);
    client.connect(acceptor_.local_endpoint());
    tcp::socket accepted = acceptor_.accept();
    return {std::make_unique<Transport>(std::move(accepted), nullptr, poller_), std::move(client)};
  }

  // Runs the loop until `done` or ~2 s pass.
  template <typename Pred>
  void RunUntil(Pred done) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!done() && std::chrono::steady_clock::now() < end) {
      io_.run_for(std::chrono::milliseconds(5));
      io_.restart();
    }
  }

  asio::io_context io_;
  Poller poller_;
  tcp::acceptor acceptor_;
};

// Keeps reading until an error, logging each completion (one pointer: fits IoHandler).
struct ReadLoop {
  Transport* transport;
  char buf[64];
  std::vector<std::pair<error_code, std::string>> reads;
  void Start() {
    transport->AsyncReadSome(asio::buffer(buf), [this](const error_code& ec, size_t n) {
      reads.emplace_back(ec, std::string(buf, n));
      if (!ec) Start();
    });
  }
};

TEST_P(TransportPlainTest, ReadCompletesOnlyWhenBytesArriveThenEof) {
  Pair p = Connect();
  ReadLoop loop{p.server.get(), {}, {}};
  loop.Start();
  EXPECT_TRUE(loop.reads.empty());  // never completes inside the initiating call
  io_.poll();
  EXPECT_TRUE(loop.reads.empty());  // nothing sent yet
  asio::write(p.client, asio::buffer(std::string("PING\r\n")));
  RunUntil([&] { return loop.reads.size() == 1; });
  ASSERT_EQ(loop.reads.size(), 1u);
  EXPECT_FALSE(loop.reads[0].first);
  EXPECT_EQ(loop.reads[0].second, "PING\r\n");
  p.client.close();
  RunUntil([&] { return loop.reads.size() == 2; });
  ASSERT_EQ(loop.reads.size(), 2u);
  EXPECT_EQ(loop.reads[1].first, asio::error::eof);
  p.server->Close();
}

TEST_P(TransportPlainTest, WriteWaitsForASlowReaderAndDeliversEverything) {
  Pair p = Connect();
  // Far more than the loopback socket buffers hold, so the send must wait for EPOLLOUT.
  const std::string big(16 << 20, 'x');
  bool done = false;
  size_t written = 0;
  error_code result = asio::error::would_block;
  p.server->AsyncWrite(asio::buffer(big), [&](const error_code& ec, size_t n) {
    done = true;
    written = n;
    result = ec;
  });
  EXPECT_FALSE(done);
  RunUntil([] { return false; });  // 2 s with a client that reads nothing
  EXPECT_FALSE(done);
  std::string got(big.size(), '\0');
  size_t read_total = 0;
  while (read_total < got.size()) {
    error_code ec;
    read_total += p.client.read_some(asio::buffer(got.data() + read_total, 1 << 20), ec);
    ASSERT_FALSE(ec) << ec.message();
    io_.poll();  // lets the server go on sending
    io_.restart();
  }
  RunUntil([&] { return done; });
  EXPECT_TRUE(done);
  EXPECT_FALSE(result);
  EXPECT_EQ(written, big.size());
  EXPECT_TRUE(got == big);
  p.server->Close();
}

TEST_P(TransportPlainTest, RepliesOfOnePassLeaveAfterEveryReadyClientWasRead) {
  // Two clients ready in one pass: both reads complete before either reply is sent, which is
  // what lets the peer wake once for a burst (poller.h).
  Pair a = Connect();
  Pair b = Connect();
  std::vector<std::string> log;
  char buf_a[16];
  char buf_b[16];
  auto on_read = [&](Transport& t, const char* name) {
    return [&t, &log, name](const error_code& ec, size_t) {
      log.push_back(std::string("read ") + name);
      if (ec) return;
      t.AsyncWrite(asio::buffer("+OK\r\n", 5), [&log, name](const error_code&, size_t) {
        log.push_back(std::string("sent ") + name);
      });
    };
  };
  a.server->AsyncReadSome(asio::buffer(buf_a), on_read(*a.server, "a"));
  b.server->AsyncReadSome(asio::buffer(buf_b), on_read(*b.server, "b"));
  io_.poll();
  io_.restart();
  asio::write(a.client, asio::buffer(std::string("PING\r\n")));
  asio::write(b.client, asio::buffer(std::string("PING\r\n")));
  RunUntil([&] { return log.size() == 4; });
  ASSERT_EQ(log.size(), 4u);
  EXPECT_TRUE(log[0].starts_with("read ")) << log[0];
  EXPECT_TRUE(log[1].starts_with("read ")) << log[1];
  EXPECT_TRUE(log[2].starts_with("sent ")) << log[2];
  EXPECT_TRUE(log[3].starts_with("sent ")) << log[3];
  char reply[5];
  asio::read(a.client, asio::buffer(reply));
  EXPECT_EQ(std::string(reply, 5), "+OK\r\n");
  a.server->Close();
  b.server->Close();
}

// One side of the kill test: its read handler closes `other` on the first successful read.
struct Killer {
  char name;
  Transport* self;
  Transport* other;
  std::vector<std::string>* log;
  Transport** first;
  char buf[16];
  void Start() {
    self->AsyncReadSome(asio::buffer(buf), [this](const error_code& ec, size_t) {
      log->push_back(std::string(1, name) +
                     (ec == asio::error::operation_aborted ? " aborted" : " read"));
      if (!ec && *first == nullptr) {
        *first = self;
        other->Close();
      }
    });
  }
};

TEST_P(TransportPlainTest, CloseDuringAPassAbortsTheOtherClientsPendingRead) {
  // Client a's read handler closes b (CLIENT KILL from a's batch) while b's bytes wait in the
  // same pass: b must see operation_aborted, never a read from a closed descriptor.
  Pair a = Connect();
  Pair b = Connect();
  std::vector<std::string> log;
  Transport* first = nullptr;
  Killer ka{'a', a.server.get(), b.server.get(), &log, &first, {}};
  Killer kb{'b', b.server.get(), a.server.get(), &log, &first, {}};
  ka.Start();
  kb.Start();
  io_.poll();
  io_.restart();
  asio::write(a.client, asio::buffer(std::string("x")));
  asio::write(b.client, asio::buffer(std::string("y")));
  RunUntil([&] { return log.size() == 2; });
  ASSERT_EQ(log.size(), 2u);
  // Whichever ran first read; the other was aborted.
  EXPECT_EQ(log[0].substr(1), " read");
  EXPECT_EQ(log[1].substr(1), " aborted");
  a.server->Close();
  b.server->Close();
}

TEST_P(TransportPlainTest, PeerHangUpWithNoOperationPendingDoesNotSpin) {
  Pair p = Connect();
  char buf[16];
  bool read_done = false;
  p.server->AsyncReadSome(asio::buffer(buf), [&](const error_code&, size_t) { read_done = true; });
  asio::write(p.client, asio::buffer(std::string("PING\r\n")));
  RunUntil([&] { return read_done; });
  ASSERT_TRUE(read_done);
  // No read is started again (a paused client); then the peer resets the connection.
  p.client.set_option(asio::socket_base::linger(true, 0));
  p.client.close();
  const uint64_t before = poller_.passes();
  RunUntil([] { return false; });  // 2 s
  // A spinning level-triggered hang-up would run a pass per loop turn (hundreds of thousands).
  EXPECT_LT(poller_.passes() - before, 10u);
  // A read started now still learns of it.
  error_code last = asio::error::would_block;
  p.server->AsyncReadSome(asio::buffer(buf), [&](const error_code& ec, size_t) { last = ec; });
  RunUntil([&] { return last != asio::error::would_block; });
  EXPECT_TRUE(last == asio::error::connection_reset || last == asio::error::eof) << last.message();
  p.server->Close();
}

TEST_P(TransportPlainTest, CloseAbortsPendingOperationsLater) {
  Pair p = Connect();
  char buf[16];
  error_code read_ec;
  bool called = false;
  p.server->AsyncReadSome(asio::buffer(buf), [&](const error_code& ec, size_t) {
    called = true;
    read_ec = ec;
  });
  p.server->Close();
  EXPECT_FALSE(called);  // not from inside Close
  io_.poll();
  EXPECT_TRUE(called);
  EXPECT_EQ(read_ec, asio::error::operation_aborted);
}

INSTANTIATE_TEST_SUITE_P(Backends, TransportPlainTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? std::string("IoUring") : std::string("Syscalls");
                         });

}  // namespace
}  // namespace locknode::net

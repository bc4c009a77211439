// Connection family: PING ECHO HELLO AUTH SELECT QUIT RESET CLIENT. Expected bytes were captured
// from redis-server 7.0.15 (CLIENT SETINFO from the 7.2 source, see COMPAT §3.7).

#include <string>
#include <string_view>

#include "locknode/protocol/errors.h"

#include "command_fixture.h"
#include "fake_control.h"

namespace locknode::command {
namespace {

using ConnTest = CommandTest;

std::string Err(std::string_view text) { return "-" + std::string(text) + "\r\n"; }

constexpr std::string_view kHelloTail =
    "$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";

std::string HelloReply(int proto, int id) {
  return std::string(proto == 3 ? "%7\r\n" : "*14\r\n") +
         "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n8.4.0\r\n$5\r\nproto\r\n:" +
         std::to_string(proto) + "\r\n$2\r\nid\r\n:" + std::to_string(id) + "\r\n" +
         std::string(kHelloTail);
}

TEST_F(ConnTest, Ping) {
  EXPECT_EQ(Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(Run({"ping", "hi"}), "$2\r\nhi\r\n");
  EXPECT_EQ(Run({"PING", "a", "b"}), "-ERR wrong number of arguments for 'ping' command\r\n");
}

TEST_F(ConnTest, Echo) {
  EXPECT_EQ(Run({"ECHO", "x"}), "$1\r\nx\r\n");
  EXPECT_EQ(Run({"ECHO", std::string_view("a\0b", 3)}), std::string("$3\r\na\0b\r\n", 9));
  EXPECT_EQ(Run({"ECHO"}), "-ERR wrong number of arguments for 'echo' command\r\n");
}

TEST_F(ConnTest, Select) {
  EXPECT_EQ(Run({"SELECT", "0"}), "+OK\r\n");
  EXPECT_EQ(Run({"SELECT", "1"}), Err(protocol::kErrDbIndex));
  EXPECT_EQ(Run({"SELECT", "-1"}), Err(protocol::kErrDbIndex));
  EXPECT_EQ(Run({"SELECT", "x"}), Err(protocol::kErrNotInteger));
  EXPECT_EQ(Run({"SELECT", "01"}), Err(protocol::kErrNotInteger));
  EXPECT_EQ(Run({"SELECT", "99999999999"}), Err(protocol::kErrNotInteger));
}

TEST_F(ConnTest, HelloRepliesInTheNewProtocol) {
  client_.id = 4;
  EXPECT_EQ(Run({"HELLO"}), HelloReply(2, 4));
  EXPECT_EQ(Run({"HELLO", "3"}), HelloReply(3, 4));
  EXPECT_EQ(client_.resp_version(), 3);
  EXPECT_EQ(Run({"HELLO"}), HelloReply(3, 4));  // no version: keep RESP3
  EXPECT_EQ(Run({"GET", "missing"}), "_\r\n");
  EXPECT_EQ(Run({"hello", "2"}), HelloReply(2, 4));
  EXPECT_EQ(Run({"GET", "missing"}), "$-1\r\n");
}

TEST_F(ConnTest, HelloErrors) {
  EXPECT_EQ(Run({"HELLO", "4"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(Run({"HELLO", "1"}), "-NOPROTO unsupported protocol version\r\n");
  EXPECT_EQ(Run({"HELLO", "x"}), "-ERR Protocol version is not an integer or out of range\r\n");
  EXPECT_EQ(Run({"HELLO", "3", "FOO"}), "-ERR Syntax error in HELLO option 'FOO'\r\n");
  EXPECT_EQ(Run({"HELLO", "3", "AUTH", "a"}), "-ERR Syntax error in HELLO option 'AUTH'\r\n");
  EXPECT_EQ(Run({"HELLO", "3", "SETNAME", "a", "b"}), "-ERR Syntax error in HELLO option 'b'\r\n");
  EXPECT_EQ(Run({"HELLO", "3", "SETNAME", "a b"}), Err(protocol::kErrClientName));
  EXPECT_EQ(client_.resp_version(), 2);  // a failed HELLO changes nothing
  EXPECT_EQ(Run({"HELLO", "2", "AUTH", "bob", "x"}), Err(protocol::kErrWrongPass));
}

TEST_F(ConnTest, HelloAuthAndSetnameWithoutPassword) {
  // The default user is "nopass": any password opens it.
  EXPECT_EQ(Run({"HELLO", "2", "auth", "default", "x", "setname", "nm"}), HelloReply(2, 0));
  EXPECT_EQ(client_.name, "nm");
  EXPECT_EQ(Run({"HELLO", "2", "SETNAME", ""}), HelloReply(2, 0));
  EXPECT_EQ(client_.name, "");
}

TEST_F(ConnTest, AuthWithoutPassword) {
  EXPECT_EQ(Run({"AUTH", "x"}), Err(protocol::kErrAuthNoPassword));
  EXPECT_EQ(Run({"AUTH", "default", "x"}), "+OK\r\n");
  EXPECT_EQ(Run({"AUTH", "bob", "x"}), Err(protocol::kErrWrongPass));
  EXPECT_EQ(Run({"AUTH", "a", "b", "c"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"AUTH"}), "-ERR wrong number of arguments for 'auth' command\r\n");
}

class ConnAuthTest : public CommandTest {
 protected:
  ConnAuthTest() : CommandTest(WithPassword("s3cret")) { client_.SetAuthenticated(false); }
  static Config WithPassword(const std::string& password) {
    Config config;
    config.requirepass = password;
    return config;
  }
};

TEST_F(ConnAuthTest, AuthWithPassword) {
  EXPECT_EQ(Run({"GET", "k"}), Err(protocol::kErrNoAuth));
  EXPECT_EQ(Run({"AUTH", "wrong"}), Err(protocol::kErrWrongPass));
  EXPECT_EQ(Run({"AUTH", "s3cre"}), Err(protocol::kErrWrongPass));
  EXPECT_EQ(Run({"AUTH", "s3cret!"}), Err(protocol::kErrWrongPass));
  EXPECT_EQ(Run({"AUTH", "DEFAULT", "s3cret"}), Err(protocol::kErrWrongPass));
  EXPECT_FALSE(client_.authenticated());
  EXPECT_EQ(Run({"AUTH", "s3cret"}), "+OK\r\n");
  EXPECT_TRUE(client_.authenticated());
  EXPECT_EQ(Run({"AUTH", "wrong"}), Err(protocol::kErrWrongPass));
  EXPECT_TRUE(client_.authenticated());  // Redis keeps an authenticated client authenticated
  EXPECT_EQ(Run({"GET", "k"}), "$-1\r\n");
}

TEST_F(ConnAuthTest, AuthUserForm) {
  EXPECT_EQ(Run({"AUTH", "default", "s3cret"}), "+OK\r\n");
  EXPECT_TRUE(client_.authenticated());
}

TEST_F(ConnAuthTest, HelloNeedsAuthentication) {
  EXPECT_EQ(Run({"HELLO", "3"}), Err(protocol::kErrHelloNoAuth));
  EXPECT_EQ(client_.resp_version(), 2);
  EXPECT_EQ(Run({"HELLO", "3", "AUTH", "default", "nope"}), Err(protocol::kErrWrongPass));
  EXPECT_EQ(Run({"HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "w1"}), HelloReply(3, 0));
  EXPECT_TRUE(client_.authenticated());
  EXPECT_EQ(client_.name, "w1");
}

TEST_F(ConnAuthTest, ResetDropsAuthenticationWhenAPasswordIsSet) {
  EXPECT_EQ(Run({"AUTH", "s3cret"}), "+OK\r\n");
  EXPECT_EQ(Run({"RESET"}), "+RESET\r\n");
  EXPECT_FALSE(client_.authenticated());
  EXPECT_EQ(Run({"PING"}), Err(protocol::kErrNoAuth));
  EXPECT_EQ(Run({"QUIT"}), "+OK\r\n");  // QUIT is no-auth
}

TEST_F(ConnTest, QuitClosesAfterReply) {
  EXPECT_EQ(Run({"QUIT", "extra"}), "+OK\r\n");
  EXPECT_TRUE(client_.close_after_reply());
}

TEST_F(ConnTest, ResetRestoresDefaults) {
  Run({"HELLO", "3", "SETNAME", "n"});
  Run({"CLIENT", "SETINFO", "LIB-NAME", "redis-py"});
  EXPECT_EQ(Run({"RESET"}), "+RESET\r\n");
  EXPECT_EQ(client_.resp_version(), 2);
  EXPECT_EQ(client_.name, "");
  EXPECT_EQ(client_.lib_name, "redis-py");  // kept, as in Redis 7.2
  EXPECT_TRUE(client_.authenticated());
  EXPECT_EQ(Run({"RESET", "x"}), "-ERR wrong number of arguments for 'reset' command\r\n");
}

TEST_F(ConnTest, ClientSetNameGetName) {
  EXPECT_EQ(Run({"CLIENT", "GETNAME"}), "$-1\r\n");
  EXPECT_EQ(Run({"CLIENT", "SETNAME", "ok~!"}), "+OK\r\n");
  EXPECT_EQ(Run({"client", "getname"}), "$4\r\nok~!\r\n");
  EXPECT_EQ(Run({"CLIENT", "SETNAME", "a b"}), Err(protocol::kErrClientName));
  EXPECT_EQ(Run({"CLIENT", "SETNAME", "x\x7f"}), Err(protocol::kErrClientName));
  EXPECT_EQ(Run({"CLIENT", "SETNAME", "\xc3\xa9"}), Err(protocol::kErrClientName));
  EXPECT_EQ(Run({"CLIENT", "GETNAME"}), "$4\r\nok~!\r\n");
  EXPECT_EQ(Run({"CLIENT", "SETNAME", ""}), "+OK\r\n");
  EXPECT_EQ(Run({"CLIENT", "GETNAME"}), "$-1\r\n");
  EXPECT_EQ(Run({"CLIENT", "SETNAME"}),
            "-ERR wrong number of arguments for 'client|setname' command\r\n");
  EXPECT_EQ(Run({"CLIENT", "GETNAME", "x"}),
            "-ERR wrong number of arguments for 'client|getname' command\r\n");
}

TEST_F(ConnTest, ClientIdAndUnknownSubcommands) {
  client_.id = 42;
  EXPECT_EQ(Run({"CLIENT", "ID"}), ":42\r\n");
  EXPECT_EQ(Run({"CLIENT"}), "-ERR wrong number of arguments for 'client' command\r\n");
  EXPECT_EQ(Run({"client", "foo"}), "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  // What Redis 7.0 answers; go-redis, Lettuce and redis-py 8 ignore it.
  EXPECT_EQ(Run({"CLIENT", "MAINT_NOTIFICATIONS", "on", "moving-endpoint-type", "internal-ip"}),
            "-ERR unknown subcommand 'MAINT_NOTIFICATIONS'. Try CLIENT HELP.\r\n");
  EXPECT_EQ(Run({"CLIENT", "CAPA", "redirect"}),
            "-ERR unknown subcommand 'CAPA'. Try CLIENT HELP.\r\n");
}

TEST_F(ConnTest, ClientSetInfo) {
  EXPECT_EQ(Run({"CLIENT", "SETINFO", "LIB-NAME", "go-redis(,go1.24.2)"}), "+OK\r\n");
  EXPECT_EQ(Run({"client", "setinfo", "lib-ver", "9.5.0"}), "+OK\r\n");
  EXPECT_EQ(client_.lib_name, "go-redis(,go1.24.2)");
  EXPECT_EQ(client_.lib_ver, "9.5.0");
  EXPECT_EQ(Run({"CLIENT", "SETINFO", "foo", "x"}), "-ERR Unrecognized option 'foo'\r\n");
  EXPECT_EQ(Run({"CLIENT", "SETINFO", "lib-name", "a b"}),
            "-ERR lib-name cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(Run({"CLIENT", "SETINFO", "lib-name"}),
            "-ERR wrong number of arguments for 'client|setinfo' command\r\n");
}

TEST_F(ConnTest, ClientTrackingAndNoEvict) {
  EXPECT_EQ(Run({"CLIENT", "TRACKING", "off"}), "+OK\r\n");
  EXPECT_EQ(Run({"CLIENT", "TRACKING", "on"}).substr(0, 5), "-ERR ");
  EXPECT_EQ(Run({"CLIENT", "TRACKING", "x"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"CLIENT", "TRACKING"}),
            "-ERR wrong number of arguments for 'client|tracking' command\r\n");
  EXPECT_EQ(Run({"CLIENT", "NO-EVICT", "on"}), "+OK\r\n");
  EXPECT_EQ(Run({"CLIENT", "NO-EVICT", "x"}), "-ERR syntax error\r\n");
}

TEST_F(ConnTest, ClientHelpIsStatusLines) {
  const std::string reply = Run({"CLIENT", "HELP"});
  EXPECT_EQ(reply.substr(0, reply.find("\r\n")), "*47");  // UNBLOCK's two lines included
  EXPECT_NE(reply.find("+UNBLOCK <clientid> [TIMEOUT|ERROR]\r\n"), std::string::npos);
  EXPECT_NE(reply.find("+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"),
            std::string::npos);
  EXPECT_NE(reply.find("+    Prints this help.\r\n"), std::string::npos);
}

TEST_F(ConnTest, ClientInfoLine) {
  client_.id = 9;
  client_.peer = "127.0.0.1:5000";
  client_.local = "127.0.0.1:6379";
  client_.fd = 8;
  client_.created_ms = clock_.NowMs();
  client_.last_interaction_ms = clock_.NowMs();
  Run({"CLIENT", "SETNAME", "w"});
  AdvanceTime(3'000);
  const std::string line =
      "id=9 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=8 name=w age=3 idle=3 flags=N db=0 "
      "sub=0 psub=0 ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 "
      "rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=client|info user=default redir=-1 "
      "resp=2 lib-name= lib-ver=\n";
  EXPECT_EQ(Run({"CLIENT", "INFO"}), "$" + std::to_string(line.size()) + "\r\n" + line + "\r\n");
  Run({"HELLO", "3"});
  const std::string reply = Run({"CLIENT", "INFO"});
  EXPECT_EQ(reply.substr(0, reply.find("\r\n") + 6),
            "=" + std::to_string(line.size() + 4) + "\r\ntxt:");
}

// CLIENT LIST walks the server's clients through ServerControl.
class ConnListTest : public ::testing::Test {
 protected:
  ConnListTest() : shard_(config_, clock_, &control_), dispatcher_(shard_), writer_(&out_) {
    a_.id = 1;
    a_.name = "a";
    a_.last_command = "get";
    b_.id = 2;
    control_.clients = {&a_, &b_};
  }
  std::string Run(std::initializer_list<std::string_view> args) {
    std::vector<std::string_view> v(args);
    out_.Clear();
    dispatcher_.Execute(ArgList(v.data(), v.size()), a_, writer_);
    return std::string(out_.view());
  }

  Config config_;
  ManualClock clock_;
  FakeControl control_;
  Shard shard_;
  Dispatcher dispatcher_;
  ClientState a_, b_;
  protocol::OutBuffer out_;
  protocol::RespWriter writer_;
};

TEST_F(ConnListTest, ListsEveryClientWithItsOwnCommand) {
  const std::string reply = Run({"CLIENT", "LIST"});
  EXPECT_NE(reply.find("id=1 addr= laddr= fd=-1 name=a "), std::string::npos);
  EXPECT_NE(reply.find("cmd=client|list "), std::string::npos);  // the caller's running command
  EXPECT_NE(reply.find("\nid=2 addr= laddr= fd=-1 name= "), std::string::npos);
  EXPECT_NE(reply.find("cmd=NULL "), std::string::npos);  // b never ran a command
  EXPECT_EQ(reply.substr(reply.size() - 3), "\n\r\n");
}

TEST_F(ConnListTest, Filters) {
  EXPECT_EQ(Run({"CLIENT", "LIST", "TYPE", "pubsub"}), "$0\r\n\r\n");
  EXPECT_EQ(Run({"CLIENT", "LIST", "TYPE", "bogus"}), "-ERR Unknown client type 'bogus'\r\n");
  EXPECT_EQ(Run({"CLIENT", "LIST", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"CLIENT", "LIST", "ID", "x"}), "-ERR Invalid client ID\r\n");
  const std::string only2 = Run({"CLIENT", "LIST", "ID", "2", "5"});
  EXPECT_EQ(only2.find("id=1 "), std::string::npos);
  EXPECT_NE(only2.find("id=2 "), std::string::npos);
  EXPECT_NE(Run({"CLIENT", "LIST", "TYPE", "normal"}).find("id=2 "), std::string::npos);
}

}  // namespace
}  // namespace locknode::command

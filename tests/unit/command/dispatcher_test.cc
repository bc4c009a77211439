// Dispatcher: lookup, Redis's exact unknown-command / unknown-subcommand / arity / NOAUTH texts
// and their order, stats and last_command. Expected bytes were captured from redis-server 7.0.15.

#include <string>
#include <string_view>
#include <vector>

#include "locknode/command/arg_cursor.h"
#include "locknode/command/command_table.h"

#include "command_fixture.h"

namespace locknode::command {
namespace {

using DispatcherTest = CommandTest;

TEST_F(DispatcherTest, UnknownCommandWithoutArgsKeepsTrailingSpace) {
  EXPECT_EQ(Run({"FOOBAR"}), "-ERR unknown command 'FOOBAR', with args beginning with: \r\n");
}

TEST_F(DispatcherTest, UnknownCommandQuotesArgsAsSent) {
  EXPECT_EQ(Run({"FOOBAR", "a", "b"}),
            "-ERR unknown command 'FOOBAR', with args beginning with: 'a' 'b' \r\n");
}

TEST_F(DispatcherTest, UnknownCommandCutsOneLongArgAt128) {
  const std::string x(200, 'x');
  EXPECT_EQ(Run({"foobar", x}), "-ERR unknown command 'foobar', with args beginning with: '" +
                                    std::string(128, 'x') + "' \r\n");
}

TEST_F(DispatcherTest, UnknownCommandStopsArgsOncePast128) {
  const std::string a(100, 'a'), b(100, 'b');
  // 'a...a' (103 chars) leaves 25 characters for the next argument; 'c' is never reached.
  EXPECT_EQ(Run({"foobar", a, b, "c"}),
            "-ERR unknown command 'foobar', with args beginning with: '" + a + "' '" +
                std::string(25, 'b') + "' \r\n");
  const std::string a126(126, 'a'), a127(127, 'a');
  EXPECT_EQ(Run({"foobar", a126, "b"}),
            "-ERR unknown command 'foobar', with args beginning with: '" + a126 + "' \r\n");
  EXPECT_EQ(Run({"foobar", a127, "b"}),
            "-ERR unknown command 'foobar', with args beginning with: '" + a127 + "' \r\n");
}

TEST_F(DispatcherTest, UnknownCommandMapsCrLfToSpaces) {
  EXPECT_EQ(Run({"foobar", "a\r\nb", "c\nd"}),
            "-ERR unknown command 'foobar', with args beginning with: 'a  b' 'c d' \r\n");
  std::string name;
  for (int i = 0; i < 50; ++i) name += "F\r\nOO";
  std::string shown = name.substr(0, 128);
  for (char& c : shown) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  EXPECT_EQ(Run({name, "a"}),
            "-ERR unknown command '" + shown + "', with args beginning with: 'a' \r\n");
}

TEST_F(DispatcherTest, UnknownCommandCutsAtNulLikeRedisPrintf) {
  const std::string name("foo\0bar", 7), arg("a\0b", 3);
  EXPECT_EQ(Run({name, arg, "c"}),
            "-ERR unknown command 'foo', with args beginning with: 'a' 'c' \r\n");
}

TEST_F(DispatcherTest, LookupIsCaseInsensitive) {
  EXPECT_EQ(Run({"SeT", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(Run({"gEt", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "$1\r\nv\r\n");
}

TEST_F(DispatcherTest, VeryLongNameIsUnknownNotACrash) {
  const std::string name(300, 'g');
  const std::string reply = Run({name});
  EXPECT_EQ(reply,
            "-ERR unknown command '" + std::string(128, 'g') + "', with args beginning with: \r\n");
}

TEST_F(DispatcherTest, WrongArityUsesLowerCaseName) {
  EXPECT_EQ(Run({"get"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(Run({"GET", "k", "x"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(Run({"SET", "k"}), "-ERR wrong number of arguments for 'set' command\r\n");
  EXPECT_EQ(Run({"del"}), "-ERR wrong number of arguments for 'del' command\r\n");
}

TEST_F(DispatcherTest, ContainerUnknownSubcommand) {
  EXPECT_EQ(Run({"client", "foo"}), "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  EXPECT_EQ(Run({"Client", "x\r\ny"}), "-ERR unknown subcommand 'x  y'. Try CLIENT HELP.\r\n");
  EXPECT_EQ(Run({"client", std::string("se\0tname", 8)}),
            "-ERR unknown subcommand 'se'. Try CLIENT HELP.\r\n");
}

TEST_F(DispatcherTest, ContainerArityErrors) {
  EXPECT_EQ(Run({"client"}), "-ERR wrong number of arguments for 'client' command\r\n");
  EXPECT_EQ(Run({"client", "SETNAME"}),
            "-ERR wrong number of arguments for 'client|setname' command\r\n");
  EXPECT_EQ(Run({"client", "setname", "a", "b"}),
            "-ERR wrong number of arguments for 'client|setname' command\r\n");
}

TEST_F(DispatcherTest, ContainerDispatchesToSubcommandRow) {
  EXPECT_EQ(Run({"CLIENT", "SetName", "worker"}), "+OK\r\n");
  EXPECT_EQ(client_.name, "worker");
  EXPECT_EQ(client_.last_command, "client|setname");
}

// Redis processCommand: existence and arity are checked before authentication (OBSERVED on a
// requirepass server).
TEST_F(DispatcherTest, ExistenceAndArityComeBeforeAuth) {
  client_.SetAuthenticated(false);
  EXPECT_EQ(Run({"FOOBAR"}), "-ERR unknown command 'FOOBAR', with args beginning with: \r\n");
  EXPECT_EQ(Run({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(Run({"client", "foo"}), "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  EXPECT_EQ(Run({"GET", "k"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(Run({"SET", "k", "v"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(Run({"client", "setname", "x"}), "-NOAUTH Authentication required.\r\n");
}

TEST_F(DispatcherTest, NoAuthCommandsRunBeforeAuth) {
  client_.SetAuthenticated(false);
  EXPECT_EQ(Run({"QUIT"}), "+OK\r\n");
}

TEST_F(DispatcherTest, OnlyExecutedCommandsAreCounted) {
  const uint64_t before = shard_.stats().commands_processed;
  Run({"FOOBAR"});
  Run({"GET"});
  client_.SetAuthenticated(false);
  Run({"GET", "k"});
  client_.SetAuthenticated(true);
  EXPECT_EQ(shard_.stats().commands_processed, before);
  Run({"GET", "k"});
  Run({"SET", "k", "v", "NX", "XX"});  // a command error still ran the command (Redis call())
  EXPECT_EQ(shard_.stats().commands_processed, before + 2);
}

TEST_F(DispatcherTest, LastCommandIsFullNameOrEmptyWhenUnknown) {
  Run({"GET", "k"});
  EXPECT_EQ(client_.last_command, "get");
  Run({"SET", "k"});  // Redis sets c->lastcmd at lookup, before the arity check
  EXPECT_EQ(client_.last_command, "set");
  Run({"nosuch"});
  EXPECT_EQ(client_.last_command, "");
}

TEST_F(DispatcherTest, HandlerSeesOneTimeSnapshot) {
  // PX is relative to the snapshot; the next command sees time moved only by the test clock.
  Run({"SET", "k", "v", "PX", "1000"});
  AdvanceTime(250);
  EXPECT_EQ(Run({"PTTL", "k"}), ":750\r\n");
}

TEST(CommandTableTest, FindIsCaseInsensitiveAndRejectsUnknown) {
  const CommandTable table = BuildCommandTable();
  ASSERT_NE(table.Find("set"), nullptr);
  EXPECT_EQ(table.Find("SET"), table.Find("set"));
  EXPECT_EQ(table.Find("SET")->name, "set");
  EXPECT_EQ(table.Find("sett"), nullptr);
  EXPECT_EQ(table.Find(""), nullptr);
  EXPECT_EQ(table.Find(std::string(100, 's')), nullptr);
}

// Rows must carry Redis 7.0's arity, flags and key positions (COMMAND INFO on 7.0.15).
TEST(CommandTableTest, StringAndKeyRowsMatchRedis) {
  const CommandTable table = BuildCommandTable();
  struct Row {
    std::string_view name;
    int arity;
    uint32_t flags;
    int last_key;
  };
  const uint32_t kRead = kReadOnly | kFast | kLoading;
  const Row rows[] = {
      {"set", -3, kWrite | kDenyOom, 1},
      {"setnx", 3, kWrite | kDenyOom | kFast, 1},
      {"setex", 4, kWrite | kDenyOom, 1},
      {"psetex", 4, kWrite | kDenyOom, 1},
      {"get", 2, kRead, 1},
      {"del", -2, kWrite, -1},
      {"exists", -2, kRead, -1},
      {"type", 2, kRead, 1},
      {"pexpire", -3, kWrite | kFast, 1},
      {"expire", -3, kWrite | kFast, 1},
      {"pexpireat", -3, kWrite | kFast, 1},
      {"expireat", -3, kWrite | kFast, 1},
      {"pttl", 2, kRead, 1},
      {"ttl", 2, kRead, 1},
      {"pexpiretime", 2, kRead, 1},
      {"expiretime", 2, kRead, 1},
      {"persist", 2, kWrite | kFast, 1},
  };
  for (const Row& row : rows) {
    const CommandSpec* spec = table.Find(row.name);
    ASSERT_NE(spec, nullptr) << row.name;
    EXPECT_EQ(spec->arity, row.arity) << row.name;
    EXPECT_EQ(spec->flags, row.flags) << row.name;
    EXPECT_EQ(spec->first_key, 1) << row.name;
    EXPECT_EQ(spec->last_key, row.last_key) << row.name;
    EXPECT_EQ(spec->key_step, 1) << row.name;
    EXPECT_FALSE(spec->summary.empty()) << row.name;
    EXPECT_FALSE(spec->arguments.empty()) << row.name;
  }
}

TEST(ArgCursorTest, LatchesFirstError) {
  const std::vector<std::string_view> argv = {"set", "k", "v", "PX", "abc", "EX"};
  ArgCursor cursor(ArgList(argv.data(), argv.size()), 3);
  EXPECT_EQ(cursor.Next(), "PX");
  EXPECT_EQ(cursor.NextInt64(), 0);
  EXPECT_EQ(cursor.error(), "ERR value is not an integer or out of range");
  EXPECT_FALSE(cursor.HasNext());
  cursor.Fail("ERR syntax error");
  EXPECT_EQ(cursor.error(), "ERR value is not an integer or out of range");
}

TEST(ArgCursorTest, MissingValueIsSyntaxError) {
  const std::vector<std::string_view> argv = {"set", "k", "v", "PX"};
  ArgCursor cursor(ArgList(argv.data(), argv.size()), 3);
  EXPECT_EQ(cursor.Next(), "PX");
  EXPECT_TRUE(cursor.ok());
  EXPECT_EQ(cursor.Next(), "");
  EXPECT_EQ(cursor.error(), "ERR syntax error");
}

TEST(ArgCursorTest, ParsesIntegersStrictly) {
  const std::vector<std::string_view> argv = {"x", "-42", "01"};
  ArgCursor cursor(ArgList(argv.data(), argv.size()), 1);
  EXPECT_EQ(cursor.NextInt64(), -42);
  EXPECT_TRUE(cursor.ok());
  cursor.NextInt64();
  EXPECT_FALSE(cursor.ok());
}

TEST(ArgCursorTest, FailUnknownRemembersToken) {
  const std::vector<std::string_view> argv = {"pexpire", "k", "1", "foo"};
  ArgCursor cursor(ArgList(argv.data(), argv.size()), 3);
  cursor.FailUnknown(cursor.Next());
  EXPECT_EQ(cursor.unknown_token(), "foo");
  EXPECT_EQ(cursor.error(), "ERR syntax error");
}

}  // namespace
}  // namespace locknode::command

// Server family: INFO CONFIG COMMAND DBSIZE FLUSHDB FLUSHALL TIME SHUTDOWN, plus the glob matcher
// and the COMMAND DOCS argument-hint parser. Expected bytes from redis-server 7.0.15.

#include <string>
#include <string_view>
#include <vector>

#include "command/command_hints.h"  // module-private: tested directly
#include "command/glob_match.h"
#include "command_fixture.h"
#include "fake_control.h"

namespace locknode::command {
namespace {

using ServerTest = CommandTest;

// The body of a RESP2 bulk reply.
std::string BulkBody(const std::string& reply) {
  const size_t start = reply.find("\r\n") + 2;
  return reply.substr(start, reply.size() - start - 2);
}

TEST_F(ServerTest, InfoHasWhatClientsRead) {
  const std::string body = BulkBody(Run({"INFO"}));
  for (const char* field :
       {"# Server\r\nredis_version:8.4.0\r\nlocknode_version:" LOCKNODE_VERSION "\r\n",
        "redis_mode:standalone\r\n", "\r\n# Clients\r\nconnected_clients:1\r\n",
        "\r\n# Memory\r\nused_memory:", "maxmemory_policy:noeviction\r\n",
        "\r\n# Persistence\r\nloading:0\r\n", "\r\n# Stats\r\ntotal_connections_received:0\r\n",
        "\r\n# Replication\r\nrole:master\r\nconnected_slaves:0\r\n",
        "run_id:", "tcp_port:6379\r\n", "\r\n# Cluster\r\ncluster_enabled:0\r\n"}) {
    EXPECT_NE(body.find(field), std::string::npos) << field;
  }
  // An empty database has a header and no db0 line; the body ends with the last line's CRLF.
  EXPECT_EQ(body.substr(body.size() - 14), "\r\n# Keyspace\r\n");
}

TEST_F(ServerTest, InfoKeyspaceAndSections) {
  Run({"SET", "a", "1"});
  Run({"SET", "b", "1", "PX", "100000"});
  // avg_ttl is exact (the mean time left of the keys with a TTL), not Redis's sampled estimate.
  EXPECT_EQ(Run({"INFO", "keyspace"}),
            "$49\r\n# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=100000\r\n\r\n");
  EXPECT_EQ(Run({"INFO", "nosuch"}), "$0\r\n\r\n");
  // Fixed Redis order whatever the order asked, one blank line between sections.
  const std::string body = BulkBody(Run({"INFO", "KEYSPACE", "replication"}));
  EXPECT_EQ(body.find("# Replication\r\n"), 0u);
  EXPECT_NE(body.find("\r\n\r\n# Keyspace\r\ndb0:"), std::string::npos);
}

TEST_F(ServerTest, InfoIsVerbatimInResp3) {
  Run({"HELLO", "3"});
  EXPECT_EQ(Run({"INFO", "keyspace"}), "=16\r\ntxt:# Keyspace\r\n\r\n");
}

TEST_F(ServerTest, InfoUptimeAndStats) {
  AdvanceTime(5'000);
  Run({"GET", "x"});
  const std::string body = BulkBody(Run({"INFO", "server", "stats"}));
  EXPECT_NE(body.find("uptime_in_seconds:5\r\n"), std::string::npos);
  EXPECT_NE(body.find("total_commands_processed:2\r\n"), std::string::npos);
}

TEST_F(ServerTest, ConfigGet) {
  EXPECT_EQ(Run({"CONFIG", "GET", "save"}), "*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
  EXPECT_EQ(Run({"CONFIG", "GET", "PORT"}), "*2\r\n$4\r\nPORT\r\n$4\r\n6379\r\n");  // as typed
  EXPECT_EQ(Run({"CONFIG", "GET", "nosuch"}), "*0\r\n");
  EXPECT_EQ(Run({"CONFIG", "GET", "port", "port", "p*t"}), "*2\r\n$4\r\nport\r\n$4\r\n6379\r\n");
  EXPECT_EQ(Run({"CONFIG", "GET", "*MAX*-len"}),
            "*6\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n1048576\r\n"
            "$23\r\nproto-max-multibulk-len\r\n$5\r\n65536\r\n"
            "$15\r\nslowlog-max-len\r\n$3\r\n128\r\n");
  EXPECT_EQ(Run({"CONFIG", "GET"}), "-ERR wrong number of arguments for 'config|get' command\r\n");
  const std::string all = Run({"CONFIG", "GET", "*"});
  // Every option once, as a flat name/value array.
  EXPECT_EQ(all.substr(0, all.find("\r\n")),
            std::string("*").append(std::to_string(2 * ConfigEntries(config_).size())));
  Run({"HELLO", "3"});
  EXPECT_EQ(Run({"CONFIG", "GET", "databases"}), "%1\r\n$9\r\ndatabases\r\n$1\r\n1\r\n");
  EXPECT_EQ(Run({"CONFIG", "GET", "nosuch"}), "%0\r\n");
}

TEST_F(ServerTest, ConfigSetAndResetStat) {
  EXPECT_EQ(Run({"CONFIG", "SET", "foo", "bar"}),
            "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
  EXPECT_EQ(Run({"CONFIG", "SET", "timeout", "5"}),
            "-ERR CONFIG SET failed (possibly related to argument 'timeout') - can't set "
            "immutable config\r\n");
  EXPECT_EQ(Run({"CONFIG", "SET", "timeout", "0", "maxclients"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"CONFIG", "FOO"}), "-ERR unknown subcommand 'FOO'. Try CONFIG HELP.\r\n");
  EXPECT_EQ(Run({"CONFIG"}), "-ERR wrong number of arguments for 'config' command\r\n");
  Run({"GET", "x"});
  EXPECT_EQ(Run({"CONFIG", "RESETSTAT"}), "+OK\r\n");
  EXPECT_EQ(shard_.stats().commands_processed, 0u);
}

TEST_F(ServerTest, DbSizeAndFlush) {
  EXPECT_EQ(Run({"DBSIZE"}), ":0\r\n");
  Run({"SET", "a", "1"});
  Run({"SET", "b", "1"});
  EXPECT_EQ(Run({"DBSIZE"}), ":2\r\n");
  EXPECT_EQ(Run({"FLUSHDB", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"FLUSHDB", "async", "sync"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"DBSIZE"}), ":2\r\n");
  EXPECT_EQ(Run({"FLUSHDB", "ASYNC"}), "+OK\r\n");
  EXPECT_EQ(Run({"DBSIZE"}), ":0\r\n");
  Run({"SET", "a", "1"});
  EXPECT_EQ(Run({"FLUSHALL", "sync"}), "+OK\r\n");
  EXPECT_EQ(Run({"FLUSHALL"}), "+OK\r\n");
  EXPECT_EQ(Run({"DBSIZE"}), ":0\r\n");
}

TEST_F(ServerTest, TimeIsWallClock) {
  clock_.JumpWall(-clock_.WallUs() + 1'795'460'069'227'862);
  EXPECT_EQ(Run({"TIME"}), "*2\r\n$10\r\n1795460069\r\n$6\r\n227862\r\n");
  EXPECT_EQ(Run({"TIME", "x"}), "-ERR wrong number of arguments for 'time' command\r\n");
}

TEST_F(ServerTest, ShutdownWithoutServer) {
  EXPECT_EQ(Run({"SHUTDOWN", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"SHUTDOWN", "NOSAVE", "SAVE"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"SHUTDOWN", "ABORT", "NOW"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"SHUTDOWN", "ABORT"}), "-ERR No shutdown in progress.\r\n");
  EXPECT_EQ(Run({"SHUTDOWN"}), "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
}

TEST(ServerControlTest, ShutdownSendsNoReplyAndClosesAndInfoUsesControl) {
  Config config;
  ManualClock clock;
  FakeControl control;
  ClientState client, other;
  control.clients = {&client, &other};
  Shard shard(config, clock, &control);
  Dispatcher dispatcher(shard);
  protocol::OutBuffer out;
  protocol::RespWriter writer(&out);
  std::vector<std::string_view> info = {"INFO", "clients", "server"};
  dispatcher.Execute(ArgList(info.data(), info.size()), client, writer);
  EXPECT_NE(out.view().find("connected_clients:2\r\n"), std::string::npos);
  EXPECT_NE(out.view().find("tcp_port:7777\r\n"), std::string::npos);
  out.Clear();
  std::vector<std::string_view> shutdown = {"shutdown", "nosave"};
  dispatcher.Execute(ArgList(shutdown.data(), shutdown.size()), client, writer);
  EXPECT_TRUE(control.shutdown_requested);
  EXPECT_TRUE(client.close_after_reply());
  EXPECT_TRUE(out.empty());  // Redis: the connection just closes
}

TEST_F(ServerTest, CommandCountListInfo) {
  const std::string count = Run({"COMMAND", "COUNT"});
  EXPECT_EQ(count,
            std::string(":").append(std::to_string(shard_.table().all().size())).append("\r\n"));
  const std::string list = Run({"COMMAND", "LIST"});
  EXPECT_NE(list.find("$14\r\nclient|setname\r\n"), std::string::npos);
  EXPECT_EQ(Run({"COMMAND", "LIST", "FILTERBY", "PATTERN", "config|*et"}),
            "*2\r\n$10\r\nconfig|get\r\n$10\r\nconfig|set\r\n");
  EXPECT_EQ(Run({"COMMAND", "LIST", "FILTERBY", "MODULE", "x"}), "*0\r\n");
  EXPECT_EQ(Run({"COMMAND", "LIST", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"COMMAND", "INFO", "nosuch", "ping"}),
            "*2\r\n$-1\r\n*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n"
            "*2\r\n+@fast\r\n+@connection\r\n*0\r\n*0\r\n*0\r\n");
  const std::string sub = Run({"COMMAND", "INFO", "CLIENT|SETNAME"});
  const std::string head = "*1\r\n*10\r\n$14\r\nclient|setname\r\n:3\r\n*2\r\n+noscript\r\n";
  EXPECT_EQ(sub.substr(0, head.size()), head);
  EXPECT_EQ(Run({"COMMAND", "FOO"}), "-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n");
  const std::string all = Run({"COMMAND"});
  EXPECT_EQ(all.substr(0, all.find("\r\n")),
            std::string("*").append(std::to_string(shard_.table().all().size())));
}

TEST_F(ServerTest, CommandDocsShapeForRedisCli) {
  EXPECT_EQ(Run({"COMMAND", "DOCS", "echo"}),
            "*2\r\n$4\r\necho\r\n*6\r\n$7\r\nsummary\r\n$21\r\nEcho the given string\r\n"
            "$5\r\ngroup\r\n$10\r\nconnection\r\n$9\r\narguments\r\n*1\r\n"
            "*4\r\n$4\r\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n");
  // Flags are simple strings (redis-cli asserts REDIS_REPLY_STATUS).
  EXPECT_NE(Run({"COMMAND", "DOCS", "ping"}).find("$5\r\nflags\r\n*1\r\n+optional\r\n"),
            std::string::npos);
  EXPECT_EQ(Run({"COMMAND", "DOCS", "nosuch"}), "*0\r\n");
  const std::string client = Run({"COMMAND", "DOCS", "client"});
  EXPECT_NE(client.find("$11\r\nsubcommands\r\n"), std::string::npos);
  EXPECT_NE(client.find("$14\r\nclient|setname\r\n"), std::string::npos);
  Run({"HELLO", "3"});
  EXPECT_EQ(Run({"COMMAND", "DOCS", "ping"}),
            "%1\r\n$4\r\nping\r\n%3\r\n$7\r\nsummary\r\n$15\r\nPing the server\r\n"
            "$5\r\ngroup\r\n$10\r\nconnection\r\n$9\r\narguments\r\n*1\r\n"
            "%3\r\n$4\r\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n"
            "$5\r\nflags\r\n~1\r\n+optional\r\n");
  const std::string all = Run({"COMMAND", "DOCS"});
  EXPECT_EQ(all.substr(0, all.find("\r\n")),
            std::string("%").append(std::to_string(shard_.table().all().size())));
}

// Every row's hint must come back unchanged from the tree redis-cli rebuilds it from.
TEST_F(ServerTest, EveryArgumentHintRoundTrips) {
  for (const CommandSpec& spec : shard_.table().all()) {
    EXPECT_EQ(RenderArguments(ParseArgumentHint(spec.arguments)), spec.arguments) << spec.name;
    for (const CommandSpec& sub : spec.subcommands) {
      EXPECT_EQ(RenderArguments(ParseArgumentHint(sub.arguments)), sub.arguments) << sub.name;
    }
  }
}

TEST(CommandHintsTest, ParsesRedisStyleHints) {
  const std::vector<DocArg> set =
      ParseArgumentHint("key value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]");
  ASSERT_EQ(set.size(), 5u);
  EXPECT_EQ(set[0].type, "key");
  EXPECT_EQ(set[2].type, "oneof");
  EXPECT_TRUE(set[2].optional);
  EXPECT_EQ(set[3].type, "pure-token");
  EXPECT_EQ(set[3].token, "GET");
  ASSERT_EQ(set[4].children.size(), 3u);
  EXPECT_EQ(set[4].children[1].token, "PX");
  EXPECT_EQ(set[4].children[1].name, "milliseconds");
  const std::vector<DocArg> del = ParseArgumentHint("key [key ...]");
  ASSERT_EQ(del.size(), 1u);
  EXPECT_TRUE(del[0].multiple);
  for (std::string_view hint :
       {"key [key ...]", "[section [section ...]]", "ON|OFF", "numkeys [key [key ...]] script",
        "[ID client-id [client-id ...]]", "parameter value [parameter value ...]",
        "[protover [AUTH username password] [SETNAME name]]"}) {
    EXPECT_EQ(RenderArguments(ParseArgumentHint(hint)), hint);
  }
  // Unparseable: one string argument holding the text, rendered unchanged by redis-cli 7.0.
  const std::vector<DocArg> bad = ParseArgumentHint("key [oops");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].name, "key [oops");
}

TEST(GlobMatchTest, RedisStringMatch) {
  EXPECT_TRUE(GlobMatch("*", "anything", false));
  EXPECT_TRUE(GlobMatch("p?rt", "port", false));
  EXPECT_TRUE(GlobMatch("*max*-len", "proto-max-bulk-len", false));
  EXPECT_FALSE(GlobMatch("*max*-len", "maxclients", false));
  EXPECT_TRUE(GlobMatch("PORT", "port", true));
  EXPECT_FALSE(GlobMatch("PORT", "port", false));
  EXPECT_TRUE(GlobMatch("[a-c]x", "bx", false));
  EXPECT_FALSE(GlobMatch("[^a-c]x", "bx", false));
  EXPECT_TRUE(GlobMatch("a\\*", "a*", false));
  EXPECT_FALSE(GlobMatch("a\\*", "ab", false));
  EXPECT_TRUE(GlobMatch("", "", false));
  EXPECT_FALSE(GlobMatch("", "a", false));
  EXPECT_FALSE(GlobMatch(std::string(30, '*') + "b", std::string(10000, 'a'), false));  // fast
}

}  // namespace
}  // namespace locknode::command

// Interactive redis-cli in a pseudo-terminal, as a human uses it. At start-up it sends
// COMMAND DOCS and builds its hints from the reply (COMPAT.md §1.1; redis-cli.c cliInitHelp).
// After "SET k " linenoise shows the remaining arguments in grey: "value [NX|XX] ...";
// after "SET k v " the hint skips the typed args (hintsCallback drops one word per typed
// argument) and starts at the options ("[NX|XX] [GET] [EX seconds|PX milliseconds|...").
#include <chrono>
#include <string>

#include "integration/server_fixture.h"
#include "support/pty_session.h"

namespace locknode::test {
namespace {

constexpr std::chrono::milliseconds kScreenTimeout{10000};
constexpr std::chrono::milliseconds kRedrawQuiet{500};

class InteractiveCliTest : public SharedServerTest {
 protected:
  // Types a command line as a person does: wait until redis-cli has settled at its prompt, type
  // the text, pause while it redraws the hint, then Enter. Typing ahead loses input: linenoise
  // re-enters raw mode with tcsetattr(TCSAFLUSH) before each prompt, which discards pending
  // input (seen here as a line that vanished on a loaded machine).
  static bool EnterLine(PtySession& cli, const std::string& line) {
    cli.Drain(kRedrawQuiet);
    if (!cli.Type(line)) return false;
    cli.Drain(kRedrawQuiet);
    cli.Mark();
    return cli.Type("\r");
  }
};

TEST_F(InteractiveCliTest, HintsRepliesAndNoErrors) {
  LOCKNODE_REQUIRE_TOOL("redis-cli");
  std::string prompt = "127.0.0.1:" + std::to_string(port()) + ">";
  PtySession cli({"redis-cli", "-p", std::to_string(port())});
  ASSERT_TRUE(cli.started());
  ASSERT_TRUE(cli.WaitFor(prompt, kScreenTimeout)) << "no prompt; screen:\n" << cli.Recent();

  cli.Mark();
  ASSERT_TRUE(cli.Type("SET k "));
  EXPECT_TRUE(cli.WaitFor("value", kScreenTimeout)) << "no hint after 'SET k '; screen:\n"
                                                    << cli.Recent();
  cli.Mark();
  ASSERT_TRUE(cli.Type("v "));
  EXPECT_TRUE(cli.WaitFor("NX|XX", kScreenTimeout)) << "no option hint after 'SET k v '; screen:\n"
                                                    << cli.Recent();
  cli.Drain(kRedrawQuiet);

  cli.Mark();
  ASSERT_TRUE(cli.Type("\r"));
  EXPECT_TRUE(cli.WaitFor("OK", kScreenTimeout)) << "screen:\n" << cli.Recent();
  ASSERT_TRUE(cli.WaitFor(prompt, kScreenTimeout));

  ASSERT_TRUE(EnterLine(cli, "GET k"));
  EXPECT_TRUE(cli.WaitFor("\"v\"", kScreenTimeout)) << "screen:\n" << cli.Recent();
  ASSERT_TRUE(cli.WaitFor(prompt, kScreenTimeout));

  ASSERT_TRUE(EnterLine(cli, "SET lk tok NX PX 5000"));
  EXPECT_TRUE(cli.WaitFor("OK", kScreenTimeout)) << "screen:\n" << cli.Recent();
  ASSERT_TRUE(cli.WaitFor(prompt, kScreenTimeout));
  ASSERT_TRUE(EnterLine(cli, "SET lk tok NX PX 5000"));
  EXPECT_TRUE(cli.WaitFor("(nil)", kScreenTimeout)) << "screen:\n" << cli.Recent();
  ASSERT_TRUE(cli.WaitFor(prompt, kScreenTimeout));
  cli.Drain(kRedrawQuiet);

  std::string screen = StripAnsi(cli.raw());
  EXPECT_EQ(screen.find("(error)"), std::string::npos) << "screen:\n" << screen;
  EXPECT_EQ(screen.find("ERR"), std::string::npos) << "screen:\n" << screen;
}

TEST_F(InteractiveCliTest, HelpForSetComesFromServerDocs) {
  LOCKNODE_REQUIRE_TOOL("redis-cli");
  std::string prompt = "127.0.0.1:" + std::to_string(port()) + ">";
  PtySession cli({"redis-cli", "-p", std::to_string(port())});
  ASSERT_TRUE(cli.WaitFor(prompt, kScreenTimeout)) << "no prompt; screen:\n" << cli.Recent();
  ASSERT_TRUE(EnterLine(cli, "HELP SET"));
  // The help text's summary line comes from COMMAND DOCS (or redis-cli's built-in table).
  EXPECT_TRUE(cli.WaitFor("summary:", kScreenTimeout)) << "screen:\n" << cli.Recent();
  EXPECT_TRUE(cli.WaitFor("group: string", kScreenTimeout)) << "screen:\n" << cli.Recent();
}

}  // namespace
}  // namespace locknode::test

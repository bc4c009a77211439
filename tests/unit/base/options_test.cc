// The option table (base/options.h): every consumer derives from it, and the README's option
// list and conf/locknode.conf document exactly its options.
#include "locknode/base/options.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <variant>

#include <gtest/gtest.h>

#include "locknode/base/config.h"

namespace locknode {
namespace {

std::set<std::string> SettableOptions() {
  std::set<std::string> names;
  for (const OptionSpec& option : OptionTable()) {
    if ((option.flags & kOptReportOnly) == 0) names.emplace(option.name);
  }
  return names;
}

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(LOCKNODE_SOURCE_DIR) + "/" + relative);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(OptionTableTest, NamesAndAliasesAreUniqueLowerCaseAndEachRowHasAValue) {
  std::set<std::string> seen;
  for (const OptionSpec& option : OptionTable()) {
    for (std::string_view name : {option.name, option.alias}) {
      if (name.empty()) continue;
      EXPECT_TRUE(seen.emplace(name).second) << "duplicate " << name;
      EXPECT_TRUE(std::regex_match(std::string(name), std::regex("[a-z][a-z0-9-]*"))) << name;
    }
    const bool report_only = (option.flags & kOptReportOnly) != 0;
    const bool custom = option.text != nullptr && option.apply != nullptr;
    const bool member = !std::holds_alternative<std::monostate>(option.field);
    // Exactly one way to hold the value: a Config member, its own syntax, or a fixed answer.
    EXPECT_EQ(int{report_only} + int{custom} + int{member}, 1) << option.name;
    if (!report_only) {
      EXPECT_FALSE(option.help.empty()) << option.name;
    }
    EXPECT_EQ(FindOption(option.name), &option);
  }
}

// Issue 21 item 8: io-uring was listed in the README and the conf file but missing from CONFIG
// GET and --dump-config, which were a second list. Now there is one.
TEST(OptionTableTest, ConfigEntriesListEveryOptionOnceIncludingIoUring) {
  Config config;
  config.io_uring = false;
  const auto entries = ConfigEntries(config);
  ASSERT_EQ(entries.size(), OptionTable().size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].first, OptionTable()[i].name);
  }
  EXPECT_NE(std::find(entries.begin(), entries.end(),
                      std::pair<std::string, std::string>("io-uring", "no")),
            entries.end());
  EXPECT_NE(FindOption("IO-URING"), nullptr);  // CONFIG GET/SET match case-insensitively
  EXPECT_EQ(FindOption("nosuch"), nullptr);
}

TEST(OptionTableTest, ValuesReadAsConfigGetShowsThem) {
  Config config;
  config.port = 7000;
  config.maxmemory = 3LL * 1024 * 1024;  // bytes unscaled, as Redis shows them
  config.protected_mode = false;
  config.tls_auth_clients = "optional";
  ASSERT_EQ(ApplyOutputBufferLimit("normal 1mb 512kb 5 pubsub 0 0 0", &config), "");
  EXPECT_EQ(OptionText(*FindOption("port"), config), "7000");
  EXPECT_EQ(OptionText(*FindOption("maxmemory"), config), "3145728");
  EXPECT_EQ(OptionText(*FindOption("protected-mode"), config), "no");
  EXPECT_EQ(OptionText(*FindOption("tls-auth-clients"), config), "optional");
  EXPECT_EQ(OptionText(*FindOption("client-output-buffer-limit"), config),
            "normal 1048576 524288 5 pubsub 0 0 0");
  EXPECT_EQ(OptionText(*FindOption("databases"), config), "1");
  EXPECT_EQ(OptionText(*FindOption("save"), config), "");
  EXPECT_EQ(ApplyOutputBufferLimit("normal 1 2", &config),
            "Wrong number of arguments in buffer limit configuration.");
  EXPECT_EQ(ApplyOutputBufferLimit("master 1 2 3", &config),
            "Invalid client class specified in buffer limit configuration.");
}

// The startup range checks come from the table too: every range is on an integer option and the
// defaults pass them.
TEST(OptionTableTest, RangesAreOnIntegerOptionsAndTheDefaultsPassThem) {
  const Config defaults;
  int ranged = 0;
  for (const OptionSpec& option : OptionTable()) {
    if (option.range.rule.empty()) continue;
    ++ranged;
    const std::optional<int64_t> value = OptionInteger(option, defaults);
    ASSERT_TRUE(value.has_value()) << option.name;
    EXPECT_LE(option.range.min, *value) << option.name;
    EXPECT_GE(option.range.max, *value) << option.name;
  }
  EXPECT_GE(ranged, 19);
  EXPECT_EQ(FindOption("port")->range.rule, "between 0 and 65535");
  EXPECT_FALSE(OptionInteger(*FindOption("bind"), defaults).has_value());
}

// README.md's "Option names follow Redis ..." paragraph names every option (in backquotes) and
// nothing else.
TEST(OptionTableTest, TheReadmeListsExactlyTheOptions) {
  const std::string readme = ReadSourceFile("README.md");
  const size_t start = readme.find("Option names follow Redis");
  ASSERT_NE(start, std::string::npos) << "README.md: the option list paragraph is gone";
  const size_t end = readme.find("\n\n", start);
  const std::string paragraph = readme.substr(start, end - start);
  std::set<std::string> listed;
  const std::regex quoted("`([^`]+)`");
  for (std::sregex_iterator it(paragraph.begin(), paragraph.end(), quoted), last; it != last;
       ++it) {
    listed.insert((*it)[1]);
  }
  EXPECT_EQ(listed, SettableOptions());
}

// conf/locknode.conf has a `name = value` line (or a commented-out example) for every option,
// and none for anything else (CLI11 would refuse an unknown name at startup anyway).
TEST(OptionTableTest, TheConfFileDocumentsExactlyTheOptions) {
  std::istringstream conf(ReadSourceFile("conf/locknode.conf"));
  ASSERT_FALSE(conf.str().empty());
  std::set<std::string> documented;
  const std::regex line("^#?\\s*([a-z][a-z0-9-]*)\\s*=\\s.*");
  std::smatch match;
  for (std::string text; std::getline(conf, text);) {
    if (std::regex_match(text, match, line)) documented.insert(match[1]);
  }
  EXPECT_EQ(documented, SettableOptions());
}

}  // namespace
}  // namespace locknode

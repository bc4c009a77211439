#include "locknode/command/command_table.h"

#include <cctype>
#include <string>

#include <gtest/gtest.h>

namespace locknode::command {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Find sits behind a direct-mapped cache: names that share a slot (same length and first
// letter, e.g. "get"/"gex"... whatever the table holds) must still find their own row, in any
// order and any case, repeatedly; and unknown names must miss even right after a hit.
TEST(CommandTableTest, FindReturnsTheRowForEveryNameThroughTheCache) {
  const CommandTable table = BuildCommandTable();
  ASSERT_FALSE(table.all().empty());
  for (int pass = 0; pass < 3; ++pass) {
    for (const CommandSpec& spec : table.all()) {
      const std::string name = pass == 1 ? Upper(spec.name) : std::string(spec.name);
      const CommandSpec* found = table.Find(name);
      ASSERT_NE(found, nullptr) << name;
      EXPECT_EQ(found->name, spec.name);
      // A longer name is never taken for this one (it may be a command itself: LPUSH, LPUSHX).
      const CommandSpec* longer = table.Find(name + "x");
      if (longer != nullptr) {
        EXPECT_EQ(longer->name, std::string(spec.name) + "x");
      }
    }
    for (auto it = table.all().rbegin(); it != table.all().rend(); ++it) {
      EXPECT_EQ(table.Find(Upper(it->name))->name, it->name);
    }
  }
  EXPECT_EQ(table.Find(""), nullptr);
  EXPECT_EQ(table.Find("nosuchcommand"), nullptr);
}

TEST(CommandTableTest, CopyDoesNotShareTheCacheRows) {
  CommandTable table = BuildCommandTable();
  ASSERT_NE(table.Find("set"), nullptr);  // fills the cache
  const CommandTable copy = table;
  EXPECT_EQ(copy.Find("SET")->name, "set");
  EXPECT_GE(copy.Find("SET"), copy.all().data());
  EXPECT_LT(copy.Find("SET"), copy.all().data() + copy.all().size());
}

}  // namespace
}  // namespace locknode::command

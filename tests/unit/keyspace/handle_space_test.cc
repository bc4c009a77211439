#include "locknode/keyspace/handle_space.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace locknode::keyspace {
namespace {

TEST(HandleSpaceTest, ConsecutiveRegionsCoverConsecutiveHandles) {
  HandleSpace space;
  const size_t bytes = 3 * HandleSpace::kRegionBytes + 64;  // spans four regions
  std::vector<uint64_t> words(bytes / 8);
  const Handle first = space.AddRange(words.data(), bytes);
  EXPECT_EQ(space.regions(), 4u);
  for (size_t i = 0; i < words.size(); i += 4099) {
    EXPECT_EQ(space.Resolve(first + static_cast<Handle>(i)), &words[i]);
  }
  EXPECT_EQ(space.Resolve(first + static_cast<Handle>(words.size() - 1)), &words.back());
  // A second range starts at the next region, after the first range's last one.
  uint64_t more[2];
  const Handle second = space.AddRange(more, sizeof(more));
  EXPECT_EQ(second, Handle{4} << HandleSpace::kOffsetBits);
  EXPECT_EQ(space.Resolve(second + 1), &more[1]);
  EXPECT_LT(second + 1, HandleSpace::kFirstReserved);
}

}  // namespace
}  // namespace locknode::keyspace

#include "net/admission.h"

#include <string>

#include <boost/asio/ip/address.hpp>
#include <gtest/gtest.h>

namespace locknode::net {
namespace {

using boost::asio::ip::make_address;

TEST(AdmissionTest, LoopbackAddresses) {
  EXPECT_TRUE(IsLoopback(make_address("127.0.0.1")));
  EXPECT_TRUE(IsLoopback(make_address("127.255.3.4")));  // all of 127.0.0.0/8
  EXPECT_TRUE(IsLoopback(make_address("::1")));
  EXPECT_TRUE(IsLoopback(make_address("::ffff:127.0.0.1")));  // v4-mapped
  EXPECT_FALSE(IsLoopback(make_address("128.0.0.1")));
  EXPECT_FALSE(IsLoopback(make_address("192.0.2.2")));
  EXPECT_FALSE(IsLoopback(make_address("0.0.0.0")));
  EXPECT_FALSE(IsLoopback(make_address("::")));
  EXPECT_FALSE(IsLoopback(make_address("::2")));
  EXPECT_FALSE(IsLoopback(make_address("fd00::2")));
  EXPECT_FALSE(IsLoopback(make_address("::ffff:10.0.0.1")));
  EXPECT_FALSE(IsLoopback(make_address("::127.0.0.1")));  // v4-compatible, not mapped
}

Config Limits(int64_t maxclients, int64_t reserve) {
  Config config;
  config.maxclients = maxclients;
  config.maxclients_loopback_reserve = reserve;
  config.protected_mode = false;
  return config;
}

TEST(AdmissionTest, RemotePeersGetMaxclientsSlots) {
  const Config config = Limits(3, 2);
  EXPECT_EQ(Admit(config, 0, false), Admission::kAccept);
  EXPECT_EQ(Admit(config, 2, false), Admission::kAccept);
  EXPECT_EQ(Admit(config, 3, false), Admission::kMaxClients);
  EXPECT_EQ(Admit(config, 4, false), Admission::kMaxClients);
}

TEST(AdmissionTest, LoopbackPeersAlsoGetTheReserve) {
  const Config config = Limits(3, 2);
  EXPECT_EQ(Admit(config, 3, true), Admission::kAccept);
  EXPECT_EQ(Admit(config, 4, true), Admission::kAccept);
  EXPECT_EQ(Admit(config, 5, true), Admission::kMaxClients);
  // Without a reserve loopback peers are limited like everyone (Redis's behaviour).
  EXPECT_EQ(Admit(Limits(3, 0), 3, true), Admission::kMaxClients);
}

TEST(AdmissionTest, ProtectedModeDeniesRemotePeersWithoutPassword) {
  Config config = Limits(10, 2);
  config.protected_mode = true;
  EXPECT_EQ(Admit(config, 0, false), Admission::kProtectedMode);
  EXPECT_EQ(Admit(config, 0, true), Admission::kAccept);
  // The count is checked first, as in Redis (acceptCommonHandler before clientAcceptHandler).
  EXPECT_EQ(Admit(config, 10, false), Admission::kMaxClients);
  config.requirepass = "secret";
  EXPECT_EQ(Admit(config, 0, false), Admission::kAccept);
  config.requirepass.clear();
  config.protected_mode = false;
  EXPECT_EQ(Admit(config, 0, false), Admission::kAccept);
}

TEST(AdmissionTest, RejectionReplies) {
  EXPECT_EQ(RejectionReply(Admission::kMaxClients), "-ERR max number of clients reached\r\n");
  const std::string denied(RejectionReply(Admission::kProtectedMode));
  EXPECT_EQ(denied.rfind("-DENIED Redis is running in protected mode because protected mode is "
                         "enabled and no password is set for the default user. ",
                         0),
            0u);
  EXPECT_EQ(denied.size(), 1067u);  // the length of redis-server 7.0.15's reply
  EXPECT_EQ(denied.find("\r\n"), denied.size() - 2);
}

}  // namespace
}  // namespace locknode::net

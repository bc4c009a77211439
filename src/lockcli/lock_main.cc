#include <cstdio>
#include <memory>
#include <stdexcept>

#include "locknode/lockcli/lock_command.h"

#include "lockcli/lock_options.h"
#include "lockcli/lock_session.h"
#include "lockcli/redlock.h"
#include "lockcli/tls_client.h"

namespace locknode::lockcli {

int Main(int argc, char** argv) {
  ParsedCommandLine parsed = ParseLockCommandLine(argc, argv);
  if (!parsed.options) {
    std::fputs(parsed.message.c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  const LockOptions& o = *parsed.options;
  SslCtxPtr tls;
  try {
    tls = MakeTlsContext(o);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "locknode lock: %s\n", e.what());
    return kExitUsage;
  }
  std::vector<std::unique_ptr<NodeConn>> nodes;
  for (const NodeAddress& a : o.nodes) {
    nodes.push_back(std::make_unique<NodeConn>(a, tls.get(), o.password));
  }
  Redlock lock(std::move(nodes), o.name, RandomToken(), o.ttl, o.node_timeout);
  LockSession session(o, lock);
  return session.Run();
}

}  // namespace locknode::lockcli

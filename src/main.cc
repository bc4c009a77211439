// locknode: a Redis-protocol lock server. Everything lives in app; main only maps startup
// failures to exit codes.
#include <cstdio>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include <CLI/App.hpp>
#include <spdlog/spdlog.h>

#include "locknode/app/config.h"
#include "locknode/app/run.h"
#include "locknode/lockcli/lock_command.h"

// Startup errors are caught below and mapped to exit codes; anything else (std::bad_alloc) is a
// fatal bug that ends the process, as GUIDE §3 asks.
// NOLINTNEXTLINE(bugprone-exception-escape)
int main(int argc, char** argv) {
  // `locknode lock ...` is the lock client (src/lockcli), not the server: dispatched before the
  // server's options are parsed, so the two share no state.
  if (argc >= 2 && std::string_view(argv[1]) == "lock") {
    return locknode::lockcli::Main(argc - 1, argv + 1);
  }
  locknode::Config config;
  CLI::App cli("locknode: a Redis-protocol lock server", "locknode");
  cli.footer(
      "locknode lock [OPTIONS] NAME -- CMD [ARGS...] runs CMD under a Redlock (see --help there).");
  locknode::app::CliRequest request;
  try {
    request = locknode::app::ParseCommandLine(cli, argc, argv, &config);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 1;  // --help/--version print and succeed
  } catch (const locknode::app::ConfigError& e) {
    std::fprintf(stderr, "locknode: invalid configuration: %s\n", e.what());
    return 1;
  }
  if (request.dump_config) {
    std::fputs(locknode::app::DumpConfig(config).c_str(), stdout);
    return 0;
  }
  try {
    return locknode::app::Run(config);
  } catch (const std::system_error& e) {  // bind/listen failure, port file
    spdlog::error("startup failed: {}", e.what());
    return 1;
  } catch (const std::runtime_error& e) {  // the lease file of restart safety
    spdlog::error("startup failed: {}", e.what());
    return 1;
  }
}

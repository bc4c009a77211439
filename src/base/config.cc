#include "locknode/base/config.h"

namespace locknode {

std::string OutputBufferLimitText(const Config& c) {
  // Redis's CONFIG GET form, bytes unscaled: "normal 67108864 16777216 60 pubsub 33554432
  // 8388608 60" (Redis also prints its slave class; locknode has no replicas to limit).
  return "normal " + std::to_string(c.client_output_hard_limit) + " " +
         std::to_string(c.client_output_soft_limit) + " " +
         std::to_string(c.client_output_soft_seconds) + " pubsub " +
         std::to_string(c.client_output_pubsub_hard_limit) + " " +
         std::to_string(c.client_output_pubsub_soft_limit) + " " +
         std::to_string(c.client_output_pubsub_soft_seconds);
}

}  // namespace locknode

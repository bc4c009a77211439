#pragma once

#include "locknode/protocol/out_buffer.h"
#include "locknode/protocol/reply_sink.h"

namespace locknode::protocol {

// Encodes semantic replies as RESP2 or RESP3 bytes straight into an OutBuffer (no temporaries;
// integers via std::to_chars). The version changes after HELLO; the target buffer after a write
// is handed to the socket.
class RespWriter final : public ReplySink {
 public:
  explicit RespWriter(OutBuffer* out) : out_(out) {}
  void set_out(OutBuffer* out) { out_ = out; }
  void set_resp_version(int v) { resp3_ = (v == 3); }
  int resp_version() const { return resp3_ ? 3 : 2; }
  void SetProtocol(int version) override { set_resp_version(version); }

  void Simple(std::string_view s) override;
  void Error(std::string_view full) override;
  void Integer(int64_t v) override;
  void Bulk(std::string_view s) override;
  void Null() override;
  void NullArray() override;
  void Array(size_t n) override;
  void Map(size_t n) override;
  void Set(size_t n) override;
  void Verbatim(std::string_view s) override;
  void Double(double d) override;
  void Push(size_t n) override;

 private:
  void Header(char type, int64_t n);  // "<type><n>\r\n"
  OutBuffer* out_;
  bool resp3_ = false;
};

}  // namespace locknode::protocol

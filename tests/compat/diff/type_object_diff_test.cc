// Differential cases for TYPE and OBJECT (Redis 7.0 src/db.c typeCommand, src/object.c
// objectCommand) on what locknode can store: the string encodings Redis picks for each way of
// writing a value (tryObjectEncoding), its shared integers (REFCOUNT), FREQ under noeviction, and
// the container's errors. Non-string kinds have unit tests (typed_cmds_test.cc) until a command
// can create one. OBJECT HELP is not compared: locknode does not serve IDLETIME.
#include <string>
#include <vector>

#include "support/diff_harness.h"

namespace locknode::test {
namespace {

DiffStep Encoding(const std::string& key = "k") { return Cmd({"OBJECT", "ENCODING", key}); }
DiffStep RefCount() { return Cmd({"OBJECT", "REFCOUNT", "k"}); }

// SET k <value>, then its encoding and refcount.
DiffCase Stored(const std::string& name, const std::string& value) {
  return {name, {Cmd({"SET", "k", value}), Encoding(), RefCount()}};
}

class TypeObjectDiffTest : public DiffTest {};

TEST_F(TypeObjectDiffTest, Type) {
  RunTable("type",
           {
               {"missing", {Cmd({"TYPE", "k"})}},
               {"string", {Cmd({"SET", "k", "v"}), Cmd({"TYPE", "k"})}},
               {"int string", {Cmd({"SET", "k", "12"}), Cmd({"type", "k"})}},
               {"deleted", {Cmd({"SET", "k", "v"}), Cmd({"DEL", "k"}), Cmd({"TYPE", "k"})}},
               {"already expired", {Cmd({"SET", "k", "v", "PXAT", "1"}), Cmd({"TYPE", "k"})}},
               {"arity", {Cmd({"TYPE"})}},
               {"arity two", {Cmd({"TYPE", "k", "k2"})}},
           });
}

TEST_F(TypeObjectDiffTest, StringEncodings) {
  RunTable("object-encoding",
           {
               Stored("zero", "0"),
               Stored("small int", "42"),
               Stored("last shared int", "9999"),
               Stored("first unshared int", "10000"),
               Stored("negative", "-1"),
               Stored("int64 max", "9223372036854775807"),
               Stored("int64 min", "-9223372036854775808"),
               Stored("past int64", "9223372036854775808"),
               Stored("leading zero", "01"),
               Stored("minus zero", "-0"),
               Stored("plus sign", "+1"),
               Stored("space", " 1"),
               Stored("float", "1.5"),
               Stored("empty", ""),
               Stored("word", "token"),
               Stored("44 bytes", std::string(44, 'a')),
               Stored("45 bytes", std::string(45, 'a')),
               Stored("45 digits", std::string(45, '7')),
               Stored("lock token", "a3f1c9e0-5b7d-4e2a-9c81-0d6f4b2e7a15"),
               Stored("big", std::string(5000, 'b')),
               {"setnx", {Cmd({"SETNX", "k", "7"}), Encoding(), RefCount()}},
               {"setex", {Cmd({"SETEX", "k", "100", "x"}), Encoding()}},
               {"psetex int", {Cmd({"PSETEX", "k", "100000", "123456"}), Encoding(), RefCount()}},
               {"mset",
                {Cmd({"MSET", "k", "5", "k2", std::string(50, 'm')}), Encoding(), Encoding("k2")}},
               {"set get", {Cmd({"SET", "k", "a"}), Cmd({"SET", "k", "77", "GET"}), Encoding()}},
               {"set px keepttl",
                {Cmd({"SET", "k", "tok", "PX", "100000"}), Cmd({"SET", "k", "1", "KEEPTTL"}),
                 Encoding()}},
               {"lua set",
                {Cmd({"EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "99"}),
                 Encoding(), RefCount()}},
               {"lua set number",
                {Cmd({"EVAL", "return redis.call('set', KEYS[1], 12345)", "1", "k"}), Encoding()}},
               {"lua object encoding",
                {Cmd({"SET", "k", "v"}),
                 Cmd({"EVAL", "return redis.call('object', 'encoding', KEYS[1])", "1", "k"})}},
               {"missing", {Encoding(), RefCount()}},
               {"missing resp3", {Hello({"HELLO", "3"}), Encoding(), RefCount()}},
           });
}

TEST_F(TypeObjectDiffTest, ObjectContainer) {
  RunTable("object", {
                         {"freq missing", {Cmd({"OBJECT", "FREQ", "k"})}},
                         {"freq existing", {Cmd({"SET", "k", "v"}), Cmd({"OBJECT", "FREQ", "k"})}},
                         {"lower case", {Cmd({"SET", "k", "1"}), Cmd({"object", "encoding", "k"})}},
                         {"unknown subcommand", {Cmd({"OBJECT", "foo"})}},
                         {"unknown subcommand with key", {Cmd({"OBJECT", "foo", "k"})}},
                         {"bare", {Cmd({"OBJECT"})}},
                         {"encoding arity", {Cmd({"OBJECT", "ENCODING"})}},
                         {"encoding two keys", {Cmd({"OBJECT", "ENCODING", "k", "k2"})}},
                         {"refcount arity", {Cmd({"OBJECT", "REFCOUNT"})}},
                         {"freq arity", {Cmd({"OBJECT", "FREQ"})}},
                         {"help arity", {Cmd({"OBJECT", "HELP", "x"})}},
                     });
}

}  // namespace
}  // namespace locknode::test

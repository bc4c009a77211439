#!/usr/bin/env bash
# Proves check_layering.sh can fail: it passes a clean synthetic tree and fails a wrong root, a
# missing module, a forbidden public include, a module-private include across modules and a
# relative include. Without this a grep that matches nothing would look like "layering ok".
set -u
check=$(cd "$(dirname "$0")" && pwd)/check_layering.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

make_tree() {  # a clean tree: every module with one header and one source
  rm -rf "$tmp/tree"
  for m in base protocol keyspace script command net app lockcli; do
    mkdir -p "$tmp/tree/src/$m" "$tmp/tree/include/locknode/$m"
    echo '#include "locknode/base/x.h"' > "$tmp/tree/src/$m/x.cc"
    echo '#pragma once' > "$tmp/tree/include/locknode/$m/x.h"
  done
  # The lock client may include nothing of the server, base included.
  echo '#include "locknode/lockcli/x.h"' > "$tmp/tree/src/lockcli/x.cc"
  mkdir -p "$tmp/tree/tests/unit/command"
  echo '#include "command/x.h"' > "$tmp/tree/tests/unit/command/x_test.cc"
}
expect() {  # expect <pass|fail> <label>
  local want=$1 label=$2 out rc
  out=$(bash "$check" "${3:-$tmp/tree}" 2>&1); rc=$?
  if { [ "$want" = pass ] && [ $rc -ne 0 ]; } || { [ "$want" = fail ] && [ $rc -eq 0 ]; }; then
    echo "SELFTEST FAILED: $label: expected $want, got rc=$rc"; echo "$out"; status=1
  else
    echo "ok: $label ($want)"
  fi
}

make_tree; expect pass "clean tree"
expect fail "wrong root (a directory without src/)" "$tmp"
expect fail "wrong root (the src/ directory itself)" "$tmp/tree/src"
make_tree; rm -rf "$tmp/tree/src/net"; expect fail "missing module directory"
make_tree; rm -f "$tmp/tree/include/locknode/script/x.h"; expect fail "empty module directory"
make_tree; echo '#include "locknode/net/server.h"' >> "$tmp/tree/src/command/x.cc"
expect fail "command includes a net public header"
make_tree; echo '#include <locknode/command/shard.h>' >> "$tmp/tree/include/locknode/keyspace/x.h"
expect fail "keyspace header includes a command header"
make_tree; echo '#include "net/uring_batch.h"' >> "$tmp/tree/src/command/x.cc"
expect fail "command includes a net private header"
make_tree; echo '#include <boost/asio.hpp>' >> "$tmp/tree/src/keyspace/x.cc"
expect fail "keyspace includes Asio"
make_tree; echo '#include "../command/x.h"' >> "$tmp/tree/src/script/x.cc"
expect fail "relative include in src"
make_tree; echo '#include "../script/compat_scripts.h"' >> "$tmp/tree/tests/unit/command/x_test.cc"
expect fail "relative include in tests"
make_tree; echo '#include "command/y.h"' >> "$tmp/tree/src/command/x.cc"
expect pass "a module includes its own private header"
exit $status

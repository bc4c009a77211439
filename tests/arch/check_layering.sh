#!/usr/bin/env bash
# Fails if a module includes something its layer must not know (GUIDE §2.3). Linking enforces
# most of this; headers-only dependencies (Asio, spdlog, Lua) and module-private headers (every
# module compiles with src/ on its include path, so "net/x.h" would resolve from command/) would
# slip through, so grep. Relative includes ("../command/x.h") are refused everywhere: they would
# walk around every rule here.
#
# A wrong root must not pass silently: every module's src/ and include/ directory must exist and
# hold sources, and the number of files scanned is printed.
set -u
root=${1:?usage: check_layering.sh <source-root>}
modules="base protocol keyspace script command net app lockcli"
status=0
fail() { echo "layering check: $*"; status=1; }

if [ ! -d "$root/src" ] || [ ! -d "$root/include/locknode" ]; then
  echo "layering check: '$root' is not the source root (no src/ and include/locknode/)"
  exit 2
fi
scanned=0
for m in $modules; do
  for dir in "$root/src/$m" "$root/include/locknode/$m"; do
    if [ ! -d "$dir" ]; then
      fail "module directory $dir is missing (wrong root, or a module was renamed: update this script)"
      continue
    fi
    n=$(find "$dir" -name '*.h' -o -name '*.cc' | wc -l)
    [ "$n" -gt 0 ] || fail "module directory $dir holds no sources"
    scanned=$((scanned + n))
  done
done

check() {  # check <module> <forbidden modules regex> <forbidden libraries regex>
  local module=$1 mods=$2 libs=$3 hits pattern
  # <locknode/m/...> and "locknode/m/..." (public headers), "m/..." (module-private headers).
  pattern="#include [<\"](locknode/($mods)/|($mods)/)"
  [ -n "$libs" ] && pattern="$pattern|#include <($libs)"
  hits=$(grep -rnE "$pattern" "$root/src/$module" "$root/include/locknode/$module")
  if [ -n "$hits" ]; then
    fail "violation in $module:"; echo "$hits"
  fi
}
check base      'protocol|keyspace|command|script|net|app' 'boost/|spdlog|CLI/|lua'
check protocol  'keyspace|command|script|net|app'          'boost/|spdlog|CLI/|lua'
check keyspace  'protocol|command|script|net|app'          'boost/asio|spdlog|CLI/|lua'
check script    'keyspace|command|net|app'                 'boost/asio|spdlog|CLI/'
check command   'net|app'                                  'boost/asio|spdlog|CLI/|lua'
check net       'app'                                      'CLI/'
# The lock client talks to nodes over the network only: no server module, Asio, spdlog or Lua.
check lockcli   'base|protocol|keyspace|command|script|net|app' 'boost/|spdlog|lua'

# Relative includes anywhere in the tree (sources and tests).
hits=$(grep -rnE '#include +"[^"]*\.\./' "$root/src" "$root/include" "$root/tests" \
         --include='*.h' --include='*.cc')
if [ -n "$hits" ]; then
  fail "relative includes (use the module path, e.g. \"locknode/command/x.h\" or \"command/x.h\"):"
  echo "$hits"
fi

if [ $status -eq 0 ]; then
  echo "layering ok ($scanned files in $(echo $modules | wc -w) modules)"
fi
exit $status

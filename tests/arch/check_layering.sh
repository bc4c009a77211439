#!/usr/bin/env bash
# Fails if a module includes something its layer must not know (GUIDE §2.3). Linking enforces
# most of this; headers-only dependencies (Asio, spdlog, Lua) would slip through, so grep.
set -u
root=${1:?usage: check_layering.sh <source-root>}
status=0
check() {  # check <module> <forbidden regex>
  local module=$1 pattern=$2 hits
  hits=$(grep -nE "#include [<\"]($pattern)" -r "$root/src/$module" "$root/include/locknode/$module" 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layering violation in $module:"; echo "$hits"; status=1
  fi
}
check base      'boost/|spdlog|CLI/|lua|locknode/(protocol|keyspace|command|script|net|app)'
check protocol  'boost/|spdlog|CLI/|lua|locknode/(keyspace|command|script|net|app)'
check keyspace  'boost/asio|spdlog|CLI/|lua|locknode/(protocol|command|script|net|app)'
check script    'boost/asio|spdlog|CLI/|locknode/(keyspace|command|net|app)'
check command   'boost/asio|spdlog|CLI/|lua|locknode/(net|app)'
check net       'CLI/|locknode/app'
# The lock client talks to nodes over the network only: no server module, Asio, spdlog or Lua.
check lockcli   'boost/|spdlog|lua|locknode/(base|protocol|keyspace|command|script|net|app)'
[ $status -eq 0 ] && echo "layering ok"
exit $status

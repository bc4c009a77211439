-- prometheus-redis-exporter --script for locknode: INFO's "# Locks" section, and the lease file's
-- lease_* fields of "# Persistence" (restart safety: grant waits, write errors), as name/value
-- pairs. The exporter drops INFO fields it has no mapping for; a script's pairs it exports as
-- redis_script_values{key="<field>"} (README "Operating"). Plain finds only: locknode's script
-- sandbox bounds pattern matching.
local out = {}
local function collect(section, prefix)
  local info = redis.call('INFO', section)
  local pos = 1
  while true do
    local eol = string.find(info, '\r\n', pos, true)
    if not eol then break end
    local line = string.sub(info, pos, eol - 1)
    local colon = string.find(line, ':', 1, true)
    if colon and string.sub(line, 1, #prefix) == prefix then
      out[#out + 1] = string.sub(line, 1, colon - 1)
      out[#out + 1] = string.sub(line, colon + 1)
    end
    pos = eol + 2
  end
end
collect('locks', '')
collect('persistence', 'lease_')
return out

-- prometheus-redis-exporter --script for locknode: INFO's "# Locks" section as name/value pairs.
-- The exporter drops INFO fields it has no mapping for; a script's pairs it exports as
-- redis_script_values{key="<field>"} (README "Operating"). Plain finds only: locknode's script
-- sandbox bounds pattern matching.
local info = redis.call('INFO', 'locks')
local out = {}
local pos = 1
while true do
  local eol = string.find(info, '\r\n', pos, true)
  if not eol then break end
  local line = string.sub(info, pos, eol - 1)
  local colon = string.find(line, ':', 1, true)
  if colon then
    out[#out + 1] = string.sub(line, 1, colon - 1)
    out[#out + 1] = string.sub(line, colon + 1)
  end
  pos = eol + 2
end
return out

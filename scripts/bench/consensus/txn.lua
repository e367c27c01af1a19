-- POST /api/txn: two compares (both keys exist) and two puts, over keys the benchmark wrote first.
local value_bytes = tonumber(os.getenv("VALUE_BYTES") or "96")
local keys = tonumber(os.getenv("KEYS") or "1000")
local value = '"' .. string.rep("x", value_bytes - 2) .. '"'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local a = math.random(0, keys - 1)
  local b = (a + math.random(1, keys - 1)) % keys
  local body = '{"compare":[{"key":"key-' .. a .. '","target":"version","op":">","value":0},'
      .. '{"key":"key-' .. b .. '","target":"version","op":">","value":0}],'
      .. '"success":[{"put":{"key":"key-' .. a .. '","value":' .. value .. '}},'
      .. '{"put":{"key":"key-' .. b .. '","value":' .. value .. '}}]}'
  return wrk.format(nil, "/api/txn", nil, body)
end

dofile(os.getenv("LUA_DIR") .. "/statuses.lua")

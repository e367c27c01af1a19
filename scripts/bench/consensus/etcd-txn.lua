-- POST /v3/kv/txn: two compares (both keys exist) and two puts, as txn.lua does.
local value_bytes = tonumber(os.getenv("VALUE_BYTES") or "96")
local keys = tonumber(os.getenv("KEYS") or "1000")
dofile(os.getenv("LUA_DIR") .. "/base64.lua")

local value = base64(string.rep("x", value_bytes))
local names = {}
for i = 0, keys - 1 do
  names[i] = base64("key-" .. i)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local a = math.random(0, keys - 1)
  local b = (a + math.random(1, keys - 1)) % keys
  local body = '{"compare":[{"key":"' .. names[a] .. '","target":"VERSION","result":"GREATER","version":"0"},'
      .. '{"key":"' .. names[b] .. '","target":"VERSION","result":"GREATER","version":"0"}],'
      .. '"success":[{"request_put":{"key":"' .. names[a] .. '","value":"' .. value .. '"}},'
      .. '{"request_put":{"key":"' .. names[b] .. '","value":"' .. value .. '"}}]}'
  return wrk.format(nil, "/v3/kv/txn", nil, body)
end

dofile(os.getenv("LUA_DIR") .. "/statuses.lua")

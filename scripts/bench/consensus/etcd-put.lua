-- POST /v3/kv/put {"key": base64(key-N), "value": base64(VALUE_BYTES bytes)}: etcd's JSON gateway, keys over KEYS.
local value_bytes = tonumber(os.getenv("VALUE_BYTES") or "96")
local keys = tonumber(os.getenv("KEYS") or "1000")
dofile(os.getenv("LUA_DIR") .. "/base64.lua")

local value = base64(string.rep("x", value_bytes))
local bodies = {}
for i = 0, keys - 1 do
  bodies[i] = '{"key":"' .. base64("key-" .. i) .. '","value":"' .. value .. '"}'
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format(nil, "/v3/kv/put", nil, bodies[math.random(0, keys - 1)])
end

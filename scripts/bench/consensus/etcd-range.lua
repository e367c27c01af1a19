-- POST /v3/kv/range {"key": base64(key-N)}: a linearizable read (etcd's default) through the JSON gateway.
local keys = tonumber(os.getenv("KEYS") or "1000")
dofile(os.getenv("LUA_DIR") .. "/base64.lua")

local bodies = {}
for i = 0, keys - 1 do
  bodies[i] = '{"key":"' .. base64("key-" .. i) .. '"}'
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format(nil, "/v3/kv/range", nil, bodies[math.random(0, keys - 1)])
end

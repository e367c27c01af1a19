-- POST /v3/kv/range {key: key-D, range_end: key-(D+1), limit: 100}: the same prefix ranges, linearizable.
dofile(os.getenv("LUA_DIR") .. "/base64.lua")

local bodies = {}
for d = 1, 9 do
  bodies[d] = '{"key":"' .. base64("key-" .. d) .. '","range_end":"' .. base64("key-" .. string.char(string.byte("0") + d + 1))
      .. '","limit":100}'
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format(nil, "/v3/kv/range", nil, bodies[math.random(1, 9)])
end

dofile(os.getenv("LUA_DIR") .. "/statuses.lua")

-- PUT /api/kv/<key> with a JSON string value of VALUE_BYTES bytes (quotes included), keys spread over KEYS.
local value_bytes = tonumber(os.getenv("VALUE_BYTES") or "96")
local keys = tonumber(os.getenv("KEYS") or "1000")
local body = '"' .. string.rep("x", value_bytes - 2) .. '"'
wrk.method = "PUT"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format(nil, "/api/kv/key-" .. math.random(0, keys - 1))
end

dofile(os.getenv("LUA_DIR") .. "/statuses.lua")

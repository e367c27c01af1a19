-- GET /api/kv/<key> (linearizable) over keys the benchmark wrote first.
local keys = tonumber(os.getenv("KEYS") or "1000")
request = function()
  return wrk.format("GET", "/api/kv/key-" .. math.random(0, keys - 1))
end

dofile(os.getenv("LUA_DIR") .. "/statuses.lua")

-- GET /api/kv?prefix=key-D&limit=100 (linearizable): 111 keys match each prefix, a page holds 100.
request = function()
  return wrk.format("GET", "/api/kv?prefix=key-" .. math.random(1, 9) .. "&limit=100")
end

dofile(os.getenv("LUA_DIR") .. "/statuses.lua")

-- POST /v3/kv/txn: put a new key only if its mod_revision is 0 (absent), as put-if.lua does.
local value_bytes = tonumber(os.getenv("VALUE_BYTES") or "96")
dofile(os.getenv("LUA_DIR") .. "/base64.lua")
local value = base64(string.rep("x", value_bytes))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

dofile(os.getenv("LUA_DIR") .. "/statuses.lua")
local count_statuses = setup
local threads_seen = 0
function setup(thread)
  count_statuses(thread)
  thread:set("id", threads_seen)
  threads_seen = threads_seen + 1
end

local n = 0
local run = os.time()
request = function()
  n = n + 1
  local key = base64("new-" .. run .. "-" .. id .. "-" .. n)
  local body = '{"compare":[{"key":"' .. key .. '","target":"MOD","result":"EQUAL","mod_revision":"0"}],'
      .. '"success":[{"request_put":{"key":"' .. key .. '","value":"' .. value .. '"}}]}'
  return wrk.format(nil, "/v3/kv/txn", nil, body)
end

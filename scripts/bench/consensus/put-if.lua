-- PUT /api/kv/<new key>?ifModRevision=0: create-if-absent, each request a key of its own (so each succeeds).
local value_bytes = tonumber(os.getenv("VALUE_BYTES") or "96")
local body = '"' .. string.rep("x", value_bytes - 2) .. '"'
wrk.method = "PUT"
wrk.body = body
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
  return wrk.format(nil, "/api/kv/new-" .. run .. "-" .. id .. "-" .. n .. "?ifModRevision=0")
end

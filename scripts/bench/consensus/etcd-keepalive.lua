-- POST /v3/lease/keepalive {"ID": id}: etcd's JSON gateway, round-robin over the lease ids in LEASE_IDS.
local ids = {}
for line in io.lines(os.getenv("LEASE_IDS")) do
  ids[#ids + 1] = line
end
local next_id = 0
setup = function(thread)
  thread:set("offset", math.random(0, #ids - 1))
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  next_id = next_id + 1
  return wrk.format(nil, "/v3/lease/keepalive", nil, '{"ID":"' .. ids[(offset + next_id) % #ids + 1] .. '"}')
end

-- POST /api/leases/{id}/keepalive, round-robin over the lease ids in the file LEASE_IDS (one per line).
local ids = {}
for line in io.lines(os.getenv("LEASE_IDS")) do
  ids[#ids + 1] = line
end
local next_id = 0
setup = function(thread)
  thread:set("offset", math.random(0, #ids - 1))
end
request = function()
  next_id = next_id + 1
  return wrk.format("POST", "/api/leases/" .. ids[(offset + next_id) % #ids + 1] .. "/keepalive", nil, "")
end

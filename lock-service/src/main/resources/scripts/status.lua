-- A consistent snapshot of a lock for anyone to see; never the lease id.
-- KEYS[1] lease hash, KEYS[2] fencing counter
-- Returns {held (0|1), owner, token (0 = never granted), expiresAtMs}
local current = redis.call('HMGET', KEYS[1], 'owner', 'token', 'exp')
if current[2] then
  return {1, current[1] or '', tonumber(current[2]), tonumber(current[3])}
end
return {0, '', tonumber(redis.call('GET', KEYS[2]) or '0'), 0}

-- A held lock as the console lists it; never the lease id.
-- KEYS[1] lease hash, KEYS[2] waiter queue
-- Returns {held (0|1), owner, token, expiresAtMs, queued waiters}
local current = redis.call('HMGET', KEYS[1], 'owner', 'token', 'exp')
if not current[2] then
  return {0, '', 0, 0, 0}
end
return {1, current[1] or '', tonumber(current[2]), tonumber(current[3]), redis.call('LLEN', KEYS[2])}

-- A held lock as the console lists it; never the lease id.
-- KEYS[1] lease hash, KEYS[2] waiter queue
-- Returns by name held (0|1) and, when held, owner, token, expiresAt (ms), waiting (queued waiters)
local current = redis.call('HMGET', KEYS[1], 'owner', 'token', 'exp')
if not current[2] then
  return {'held', 0}
end
return {'held', 1, 'owner', current[1] or '', 'token', tonumber(current[2]), 'expiresAt', tonumber(current[3]),
  'waiting', redis.call('LLEN', KEYS[2])}

-- A consistent snapshot of a lock for anyone to see; never the lease id.
-- KEYS[1] lease hash, KEYS[2] fencing counter
-- Returns by name held (0|1), token (0 = never granted) and, when held, owner and expiresAt (ms)
local current = redis.call('HMGET', KEYS[1], 'owner', 'token', 'exp')
if current[2] then
  return {'held', 1, 'owner', current[1] or '', 'token', tonumber(current[2]), 'expiresAt', tonumber(current[3])}
end
return {'held', 0, 'token', tonumber(redis.call('GET', KEYS[2]) or '0')}

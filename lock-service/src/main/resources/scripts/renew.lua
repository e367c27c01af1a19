-- Extends the lease, only if the caller's lease id holds it.
-- KEYS[1] lease hash; ARGV[1] leaseId, ARGV[2] ttl ms ('' = the lease's own ttl)
-- Returns by name renewed=1, token, expiresAt, now (ms) or renewed=0
local lease = KEYS[1]
local current = redis.call('HMGET', lease, 'lease', 'token', 'ttl')
if current[1] ~= ARGV[1] then return {'renewed', 0} end
local ttl = tonumber(ARGV[2]) or tonumber(current[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local expiresAt = now + ttl
redis.call('HSET', lease, 'exp', expiresAt, 'ttl', ttl)
redis.call('PEXPIRE', lease, ttl)
return {'renewed', 1, 'token', tonumber(current[2]), 'expiresAt', expiresAt, 'now', now}

-- PENDING, RETRY, or STARTED under a pull lease -> REVOKED (the lease holder's complete is then refused).
-- KEYS[1] task hash. ARGV: now (epoch ms).
-- Returns 'NOW_REVOKED', 'NOT_FOUND', or the status that prevents it. A chunk is counted as failed in its batch
-- afterwards by count.lua.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return 'NOT_FOUND'
end
local leased = status == 'STARTED' and redis.call('HEXISTS', KEYS[1], 'lease') == 1
if status ~= 'PENDING' and status ~= 'RETRY' and not leased then
  return status
end
redis.call('HSET', KEYS[1], 'status', 'REVOKED', 'updatedAt', ARGV[1])
redis.call('HDEL', KEYS[1], 'retryAt', 'lease', 'leaseUntil')
return 'NOW_REVOKED'

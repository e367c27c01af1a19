-- PENDING or RETRY -> REVOKED. KEYS[1] task hash. ARGV: now (epoch ms).
-- Returns 'NOW_REVOKED', 'NOT_FOUND', or the status that prevents it. A chunk is counted as failed in its batch
-- afterwards by count.lua.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return 'NOT_FOUND'
end
if status ~= 'PENDING' and status ~= 'RETRY' then
  return status
end
redis.call('HSET', KEYS[1], 'status', 'REVOKED', 'updatedAt', ARGV[1])
redis.call('HDEL', KEYS[1], 'retryAt')
return 'NOW_REVOKED'

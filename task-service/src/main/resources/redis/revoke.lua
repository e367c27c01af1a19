-- PENDING or RETRY -> REVOKED, counted as failed in the batch. KEYS[1] task hash, KEYS[2] (optional) batch hash.
-- ARGV: now (epoch ms). Returns 'NOW_REVOKED', 'NOT_FOUND', or the status that prevents it.
local status = redis.call('HGET', KEYS[1], 'status')
if not status then
  return 'NOT_FOUND'
end
if status ~= 'PENDING' and status ~= 'RETRY' then
  return status
end
redis.call('HSET', KEYS[1], 'status', 'REVOKED', 'updatedAt', ARGV[1])
redis.call('HDEL', KEYS[1], 'retryAt')
if #KEYS == 2 and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HINCRBY', KEYS[2], 'failed', 1)
end
return 'NOW_REVOKED'

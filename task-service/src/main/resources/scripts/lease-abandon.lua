-- Ends a task of a deleted pull type. KEYS[1] task hash. ARGV: now, error. Returns 1 when it was not yet finished.
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'PENDING' and status ~= 'RETRY' and status ~= 'STARTED' then
  return 0
end
redis.call('HSET', KEYS[1], 'status', 'FAILURE', 'error', ARGV[2], 'updatedAt', ARGV[1])
redis.call('HDEL', KEYS[1], 'lease', 'leaseUntil', 'retryAt')
return 1

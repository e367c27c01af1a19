-- What a lease holder does with its task, only while the lease holds it (not expired, not revoked, not finished).
-- KEYS[1] task hash. ARGV: lease id, now, action (complete | fail | retry | heartbeat), payload (result JSON,
-- error, retry due at, or new lease end). Returns the new status ('STARTED' for a heartbeat), or '' when the lease
-- no longer holds the task.
local s = redis.call('HMGET', KEYS[1], 'status', 'lease', 'leaseUntil')
if s[1] ~= 'STARTED' or s[2] ~= ARGV[1] or tonumber(s[3]) < tonumber(ARGV[2]) then
  return ''
end
local action = ARGV[3]
if action == 'heartbeat' then
  redis.call('HSET', KEYS[1], 'leaseUntil', ARGV[4])
  return 'STARTED'
end
redis.call('HDEL', KEYS[1], 'lease', 'leaseUntil')
if action == 'complete' then
  redis.call('HSET', KEYS[1], 'status', 'SUCCESS', 'result', ARGV[4], 'updatedAt', ARGV[2])
  redis.call('HDEL', KEYS[1], 'error')
  return 'SUCCESS'
end
if action == 'retry' then
  redis.call('HSET', KEYS[1], 'status', 'RETRY', 'retryAt', ARGV[4], 'updatedAt', ARGV[2], 'error', ARGV[5])
  return 'RETRY'
end
redis.call('HSET', KEYS[1], 'status', 'FAILURE', 'error', ARGV[4], 'updatedAt', ARGV[2])
return 'FAILURE'

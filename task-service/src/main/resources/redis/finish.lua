-- STARTED -> SUCCESS or FAILURE, only for the attempt that is running, counted once in the batch.
-- KEYS[1] task hash, KEYS[2] (optional) batch hash. ARGV: SUCCESS|FAILURE, attempt, now (epoch ms), result JSON or
-- error. Returns the task's fields when applied, an empty array when another delivery finished it first.
local state = redis.call('HMGET', KEYS[1], 'status', 'try')
if state[1] ~= 'STARTED' or tonumber(state[2]) ~= tonumber(ARGV[2]) then
  return {}
end
local counter
if ARGV[1] == 'SUCCESS' then
  redis.call('HSET', KEYS[1], 'status', 'SUCCESS', 'result', ARGV[4], 'updatedAt', ARGV[3])
  redis.call('HDEL', KEYS[1], 'error', 'retryAt')
  counter = 'succeeded'
else
  redis.call('HSET', KEYS[1], 'status', 'FAILURE', 'error', ARGV[4], 'updatedAt', ARGV[3])
  redis.call('HDEL', KEYS[1], 'retryAt')
  counter = 'failed'
end
if #KEYS == 2 and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HINCRBY', KEYS[2], counter, 1)
end
return redis.call('HGETALL', KEYS[1])

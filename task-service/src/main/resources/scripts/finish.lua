-- STARTED -> SUCCESS or FAILURE, only for the attempt that is running. KEYS[1] task hash.
-- ARGV: SUCCESS|FAILURE, attempt, now (epoch ms), result JSON or error. Returns the task's fields when applied, an
-- empty array when another delivery finished it first. A chunk is counted in its batch afterwards by count.lua.
local state = redis.call('HMGET', KEYS[1], 'status', 'try')
if state[1] ~= 'STARTED' or tonumber(state[2]) ~= tonumber(ARGV[2]) then
  return {}
end
if ARGV[1] == 'SUCCESS' then
  redis.call('HSET', KEYS[1], 'status', 'SUCCESS', 'result', ARGV[4], 'updatedAt', ARGV[3])
  redis.call('HDEL', KEYS[1], 'error', 'retryAt')
else
  redis.call('HSET', KEYS[1], 'status', 'FAILURE', 'error', ARGV[4], 'updatedAt', ARGV[3])
  redis.call('HDEL', KEYS[1], 'retryAt')
end
return redis.call('HGETALL', KEYS[1])

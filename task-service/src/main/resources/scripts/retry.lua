-- STARTED -> RETRY, only for the attempt that is running. KEYS[1] task hash.
-- ARGV: attempt, now (epoch ms), error, retry due (epoch ms). Returns 1 when applied.
local state = redis.call('HMGET', KEYS[1], 'status', 'try')
if state[1] ~= 'STARTED' or tonumber(state[2]) ~= tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'status', 'RETRY', 'error', ARGV[3], 'updatedAt', ARGV[2], 'retryAt', ARGV[4])
return 1

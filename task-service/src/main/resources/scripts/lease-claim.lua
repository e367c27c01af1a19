-- Gives a due task of a pull type to a lease. KEYS[1] task hash. ARGV: lease id, now, lease ends (epoch ms).
-- Returns by name the field outcome: LEASED (with attempt and args), HELD (with until) while another lease or a
-- retry delay holds it, GONE for a finished, revoked or expired task, EXHAUSTED when its last lease expired with no
-- attempt left (now FAILURE).
local s = redis.call('HMGET', KEYS[1], 'status', 'lease', 'leaseUntil', 'retryAt', 'maxRetries', 'attempts', 'args',
  'starts')
local status = s[1]
if not status or status == 'SUCCESS' or status == 'FAILURE' or status == 'REVOKED' or not s[7] then
  return {'outcome', 'GONE'}
end
local now = tonumber(ARGV[2])
local attempts = tonumber(s[6]) or 0
if status == 'STARTED' then
  if s[3] and tonumber(s[3]) > now then
    return {'outcome', 'HELD', 'until', s[3]}
  end
  if attempts >= (tonumber(s[5]) or 0) + 1 then
    redis.call('HSET', KEYS[1], 'status', 'FAILURE', 'updatedAt', ARGV[2], 'error',
      'lease expired on attempt ' .. attempts .. ' with no retries left')
    redis.call('HDEL', KEYS[1], 'lease', 'leaseUntil', 'retryAt')
    return {'outcome', 'EXHAUSTED'}
  end
end
if status == 'RETRY' and s[4] and tonumber(s[4]) > now then
  return {'outcome', 'HELD', 'until', s[4]}
end
local starts = s[8] and (s[8] .. ',' .. ARGV[2]) or ARGV[2]
attempts = attempts + 1
redis.call('HSET', KEYS[1], 'status', 'STARTED', 'lease', ARGV[1], 'leaseUntil', ARGV[3], 'updatedAt', ARGV[2],
  'try', attempts, 'attempts', attempts, 'starts', starts)
redis.call('HDEL', KEYS[1], 'retryAt')
return {'outcome', 'LEASED', 'attempt', attempts, 'args', s[7]}

-- A worker asks to start a delivered task. KEYS[1] task hash. ARGV: attempt carried by the message, now (epoch ms).
-- 'try' is the attempt last started. An older attempt, or the attempt whose retry is already scheduled, is stale;
-- the same attempt while STARTED is a redelivery after its worker died, and runs again.
local state = redis.call('HMGET', KEYS[1], 'status', 'try', 'starts')
local status = state[1]
if not status then
  return 'MISSING'
end
if status == 'SUCCESS' then
  return 'SUCCEEDED'
end
if status == 'FAILURE' then
  return 'FAILED'
end
if status == 'REVOKED' then
  return 'REVOKED'
end
local attempt = tonumber(ARGV[1])
local try = tonumber(state[2]) or 0
if attempt < try or (attempt == try and status == 'RETRY') then
  return 'STALE'
end
local starts = state[3]
if starts then
  starts = starts .. ',' .. ARGV[2]
else
  starts = ARGV[2]
end
redis.call('HSET', KEYS[1], 'status', 'STARTED', 'try', ARGV[1], 'updatedAt', ARGV[2], 'starts', starts)
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
return 'RUN'

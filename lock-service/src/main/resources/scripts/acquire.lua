-- Takes the lock when it is free and no earlier waiter is still waiting (or the caller is the head of the
-- queue), incrementing the fencing counter in the same step. Otherwise queues the caller, if it waits.
-- KEYS[1] lease hash, KEYS[2] fencing counter (never expires), KEYS[3] waiter queue (list of waiter ids)
-- ARGV[1] leaseId, ARGV[2] ttl ms, ARGV[3] owner, ARGV[4] waiter key prefix,
-- ARGV[5] waiter id ('' = does not wait), ARGV[6] waiter's instance id, ARGV[7] waiter presence ttl ms
-- Returns by name granted=1, token, expiresAt (ms) or granted=0, remainingMs (the holder's; -1 = free), head (1 when
-- this waiter is first in line), owner (the holder's label)
local lease, fence, queue = KEYS[1], KEYS[2], KEYS[3]
local leaseId, ttl, owner, waiterPrefix, waiterId = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], ARGV[5]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local holder = redis.call('HMGET', lease, 'exp', 'owner', 'lease', 'token')
if holder[3] == leaseId then
  -- A release already handed the lock to this waiter; its notification was lost or is still on its way.
  -- The rewrite changes nothing but makes this call a write, so a WAIT after it also covers the hand-off.
  redis.call('HSET', lease, 'exp', holder[1])
  return {'granted', 1, 'token', tonumber(holder[4]), 'expiresAt', tonumber(holder[1])}
end

-- A waiter whose presence key expired belongs to an instance that stopped refreshing it: skip it.
local head
while true do
  head = redis.call('LINDEX', queue, 0)
  if not head or head == waiterId or redis.call('EXISTS', waiterPrefix .. head) == 1 then break end
  redis.call('LPOP', queue)
end

if not holder[1] and (not head or head == waiterId) then
  if head then
    redis.call('LPOP', queue)
    redis.call('DEL', waiterPrefix .. waiterId)
  end
  local token = redis.call('INCR', fence)
  local expiresAt = now + ttl
  redis.call('HSET', lease, 'lease', leaseId, 'owner', owner, 'token', token, 'exp', expiresAt, 'ttl', ttl)
  redis.call('PEXPIRE', lease, ttl)
  return {'granted', 1, 'token', token, 'expiresAt', expiresAt}
end

if waiterId ~= '' then
  -- The presence key says where to deliver a hand-off and what to grant: a release grants it directly.
  local presence = waiterPrefix .. waiterId
  if redis.call('EXISTS', presence) == 0 and not redis.call('LPOS', queue, waiterId) then
    redis.call('RPUSH', queue, waiterId)
    if not head then head = waiterId end
  end
  redis.call('HSET', presence, 'instance', ARGV[6], 'lease', leaseId, 'ttl', ttl, 'owner', owner)
  redis.call('PEXPIRE', presence, ARGV[7])
end
local remaining = -1
if holder[1] then remaining = tonumber(holder[1]) - now end
local isHead = 0
if waiterId ~= '' and head == waiterId then isHead = 1 end
return {'granted', 0, 'remainingMs', remaining, 'head', isHead, 'owner', holder[2] or ''}

-- Ends a lease and hands the lock straight to the first live waiter (a new lease and fencing token in the
-- same step), announcing the hand-off to that waiter's instance, or, when that is the caller's own instance,
-- returning it instead (the caller wakes its waiter directly, sparing a trip through pub/sub). Two callers:
--   the holder releasing (ARGV[4] = ''): only if its lease id holds the lock, else nothing changes;
--   a waiter giving up (ARGV[4] = its waiter id): if a release handed it the lock meanwhile it keeps it;
--   otherwise it leaves the queue, and a lock left free by an expired lease goes on to the next waiter.
-- KEYS[1] lease hash, KEYS[2] fencing counter, KEYS[3] waiter queue
-- ARGV[1] the caller's leaseId, ARGV[2] waiter key prefix, ARGV[3] wake channel prefix, ARGV[4] waiter id or '',
-- ARGV[5] the caller's instance id
-- Returns by name released: for the holder 1 (released) or 0 (not held); for a waiter 1 with token and expiresAt
-- (it holds the lock after all) or 0; after a hand-off to a waiter of the caller's own instance also handedTo (the
-- waiter's id), handedToken and handedExpiresAt.
local holder = redis.call('HMGET', KEYS[1], 'lease', 'token', 'exp')
local waiterId = ARGV[4]
local released = 1
if waiterId == '' then
  if holder[1] ~= ARGV[1] then return {'released', 0} end
  redis.call('DEL', KEYS[1])
else
  if holder[1] == ARGV[1] then return {'released', 1, 'token', tonumber(holder[2]), 'expiresAt', tonumber(holder[3])} end
  redis.call('LREM', KEYS[3], 1, waiterId)
  redis.call('DEL', ARGV[2] .. waiterId)
  if holder[1] then return {'released', 0} end
  released = 0
end
while true do
  local head = redis.call('LPOP', KEYS[3])
  if not head then return {'released', released} end
  local waiter = redis.call('HMGET', ARGV[2] .. head, 'instance', 'lease', 'ttl', 'owner')
  -- Without its presence key the waiter's instance stopped refreshing it: skip it.
  if waiter[1] then
    redis.call('DEL', ARGV[2] .. head)
    local time = redis.call('TIME')
    local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    local token = redis.call('INCR', KEYS[2])
    local expiresAt = now + tonumber(waiter[3])
    redis.call('HSET', KEYS[1], 'lease', waiter[2], 'owner', waiter[4], 'token', token, 'exp', expiresAt, 'ttl', waiter[3])
    redis.call('PEXPIRE', KEYS[1], waiter[3])
    if waiter[1] == ARGV[5] then
      return {'released', released, 'handedTo', head, 'handedToken', token, 'handedExpiresAt', expiresAt}
    end
    redis.call('PUBLISH', ARGV[3] .. waiter[1], head .. ' ' .. token .. ' ' .. expiresAt)
    return {'released', released}
  end
end

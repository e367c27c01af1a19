-- Deletes the lease, only if the caller's lease id holds it, then wakes the first live waiter.
-- KEYS[1] lease hash, KEYS[2] waiter queue; ARGV[1] leaseId, ARGV[2] waiter key prefix, ARGV[3] wake channel prefix
-- Returns 1 when released, 0 when that lease does not hold the lock (nothing changed)
if redis.call('HGET', KEYS[1], 'lease') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
while true do
  local head = redis.call('LINDEX', KEYS[2], 0)
  if not head then return 1 end
  local instance = redis.call('GET', ARGV[2] .. head)
  if instance then
    redis.call('PUBLISH', ARGV[3] .. instance, head)
    return 1
  end
  redis.call('LPOP', KEYS[2])
end

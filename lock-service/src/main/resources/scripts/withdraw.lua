-- Takes a waiter that gives up out of the queue; if the lock is free, wakes the first live waiter left, who
-- may have been waiting behind the one leaving.
-- KEYS[1] lease hash, KEYS[2] waiter queue; ARGV[1] waiter id, ARGV[2] waiter key prefix, ARGV[3] wake channel prefix
redis.call('LREM', KEYS[2], 1, ARGV[1])
redis.call('DEL', ARGV[2] .. ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
while true do
  local head = redis.call('LINDEX', KEYS[2], 0)
  if not head then return 0 end
  local instance = redis.call('GET', ARGV[2] .. head)
  if instance then
    redis.call('PUBLISH', ARGV[3] .. instance, head)
    return 1
  end
  redis.call('LPOP', KEYS[2])
end

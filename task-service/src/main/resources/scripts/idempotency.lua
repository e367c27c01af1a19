-- Takes an idempotency key for a task whose hash already exists. KEYS[1] idempotency key.
-- ARGV: task id, ttl (s), the owner found dead on an earlier call ('' for none): a key that still names a task
-- whose hash is gone (discarded, or expired first) is taken over, so that a crash between the steps of a discard
-- never blocks the key. Returns the id of the task that holds the key now.
local owner = redis.call('GET', KEYS[1])
if not owner or owner == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return ARGV[1]
end
return owner

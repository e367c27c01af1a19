-- Forgets a task whose message never reached the queue. KEYS[1] task hash, KEYS[2] (optional) idempotency key.
-- ARGV: id. The key is freed only if this task still holds it.
redis.call('DEL', KEYS[1])
if #KEYS == 2 and redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
end
return 1

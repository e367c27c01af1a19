-- Frees an idempotency key, only if it still names this task. KEYS[1] idempotency key. ARGV: task id.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0

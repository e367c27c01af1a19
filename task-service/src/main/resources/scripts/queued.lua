-- Notes that a task's message was confirmed by the broker, so that a submission with the same idempotency key
-- may answer with it. KEYS[1] task hash. A task already discarded or expired stays gone.
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'queued', '1')
end
return 1

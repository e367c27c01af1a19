-- Records a PENDING task. KEYS[1] task hash (its own slot: {<id>}).
-- ARGV: type, now (epoch ms), ttl (s), batch id ('' for none), chunk ('' for none).
-- The idempotency key, in a slot of its own, is taken by idempotency.lua only after this hash exists.
redis.call('HSET', KEYS[1], 'status', 'PENDING', 'type', ARGV[1], 'attempts', '0', 'try', '0',
  'createdAt', ARGV[2], 'updatedAt', ARGV[2])
if ARGV[4] ~= '' then
  redis.call('HSET', KEYS[1], 'batch', ARGV[4], 'chunk', ARGV[5])
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1

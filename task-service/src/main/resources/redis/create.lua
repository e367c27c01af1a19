-- Records a PENDING task. KEYS[1] task hash, KEYS[2] (optional) idempotency key.
-- ARGV: id, type, now (epoch ms), ttl (s), batch id ('' for none), chunk ('' for none).
-- Returns the id of the task that holds the idempotency key (ARGV[1] when it is new).
if #KEYS == 2 then
  local owner = redis.call('GET', KEYS[2])
  if owner then
    return owner
  end
  redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[4])
end
redis.call('HSET', KEYS[1], 'status', 'PENDING', 'type', ARGV[2], 'attempts', '0', 'try', '0',
  'createdAt', ARGV[3], 'updatedAt', ARGV[3])
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[1], 'batch', ARGV[5], 'chunk', ARGV[6])
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return ARGV[1]

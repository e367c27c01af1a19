-- Removes a subscription's definition, its delivery count and its last failure, and leaves a tombstone for queues
-- that may remain, all or nothing. KEYS[1] definitions, KEYS[2] delivered counts, KEYS[3] tombstones,
-- KEYS[4] failures (one hash tag: one slot). ARGV[1] the subscription's name. Returns 1 when it existed, else 0.
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
return 1

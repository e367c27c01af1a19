-- Stores an entry with its time to live and records its expiry in the cache's index, the source of the
-- 'entries' count: entries expire silently in Redis, so the index remembers when each one goes.
-- KEYS[1] entry, KEYS[2] index (sorted set: key -> expiry in ms); ARGV[1] value, ARGV[2] ttl ms, ARGV[3] key.
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('ZADD', KEYS[2], now_ms + ttl, ARGV[3])
-- Prune a few expired members on every write, so an index nobody reads stays bounded too.
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. now_ms, 'LIMIT', 0, 16)
if #expired > 0 then
  redis.call('ZREM', KEYS[2], unpack(expired))
end
-- The index outlives its longest-lived entry, and no longer: an abandoned cache leaves nothing behind.
if redis.call('PTTL', KEYS[2]) < ttl then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return 1

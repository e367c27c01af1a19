-- Reads a cache's statistics after dropping expired members from its index.
-- KEYS[1] statistics hash, KEYS[2] index. Answers the fields hits, misses and entries by name.
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. now_ms)
local counts = redis.call('HMGET', KEYS[1], 'hits', 'misses')
return {'hits', tonumber(counts[1] or 0), 'misses', tonumber(counts[2] or 0), 'entries', redis.call('ZCARD', KEYS[2])}

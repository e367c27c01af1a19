-- One request takes one token from a client's bucket, atomically.
-- KEYS[1]  the bucket (a hash: tokens, ts)
-- ARGV[1]  tokens added per second
-- ARGV[2]  bucket capacity
-- Returns "allowed remaining retryAfterMs resetAfterMs".
-- Redis' own clock is used, so gateway replicas with skewed clocks share buckets correctly.
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local last = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - last) * rate / 1000)

local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)

local full = math.ceil((capacity - tokens) * 1000 / rate)
redis.call('PEXPIRE', KEYS[1], full + 1000)

local retry = 0
if allowed == 0 then
  retry = math.ceil((1 - tokens) * 1000 / rate)
end
return string.format('%d %d %d %d', allowed, math.floor(tokens), retry, full)

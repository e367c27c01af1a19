-- Leases up to N tokens from a client's bucket at once, atomically: each gateway replica spends them locally, so a
-- client's calls cost one script call per batch rather than one per call.
-- KEYS[1]  the bucket (a hash: tokens, ts)
-- ARGV[1]  tokens added per second
-- ARGV[2]  bucket capacity
-- ARGV[3]  tokens wanted (at least 1)
-- Returns the fields granted, remaining, retryAfterMs and resetAfterMs by name: granted is min(wanted, whole tokens
-- in the bucket); retryAfterMs, when the bucket is left with less than one token, is how long until it holds one
-- again; resetAfterMs, how long until it is full.
-- Redis' own clock is used, so gateway replicas with skewed clocks share buckets correctly.
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local last = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - last) * rate / 1000)

local granted = math.min(wanted, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)

local full = math.ceil((capacity - tokens) * 1000 / rate)
redis.call('PEXPIRE', KEYS[1], full + 1000)

local retry = 0
if tokens < 1 then
  retry = math.ceil((1 - tokens) * 1000 / rate)
end
return {'granted', granted, 'remaining', math.floor(tokens), 'retryAfterMs', retry, 'resetAfterMs', full}

-- Counts a finished chunk in its batch, once however often it is called (the second step after finish.lua or
-- revoke.lua, which touch only the task's slot). KEYS[1] batch hash, KEYS[2] counted-chunks hash (both {<batch id>}).
-- ARGV: chunk, 'succeeded' | 'failed'. Returns 1 when counted now.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then
  return 0
end
redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return 1

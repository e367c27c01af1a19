-- Makes a PENDING task of a pull type leasable: its args and retries go beside its state. KEYS[1] task hash.
-- ARGV: args JSON, max retries. Returns 1 when the task is to be scheduled (not finished, revoked or gone).
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'PENDING' and status ~= 'RETRY' and status ~= 'STARTED' then
  return 0
end
if redis.call('HEXISTS', KEYS[1], 'args') == 0 then
  redis.call('HSET', KEYS[1], 'args', ARGV[1], 'maxRetries', ARGV[2])
end
return 1

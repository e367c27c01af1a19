-- Takes up to ARGV[3] tasks of a pull type that are due, hiding each until ARGV[2] (a visibility timeout, as in
-- SQS): two callers never take the same one, and one that is taken but never leased comes back by itself.
-- KEYS[1] the type's schedule (zset task id -> due at, epoch ms; tag {<type>}). ARGV: now, hidden until, max.
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  redis.call('ZADD', KEYS[1], ARGV[2], id)
end
return ids

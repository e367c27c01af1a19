-- Releases a lock only for the owner that took it: a holder whose lease ran out must not free its successor's.
-- KEYS[1] lock; ARGV[1] the owner's token.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0

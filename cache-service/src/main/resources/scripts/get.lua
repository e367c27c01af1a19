-- Reads an entry and, in the same round trip, counts the lookup in the cache's statistics.
-- KEYS[1] entry, KEYS[2] statistics hash; ARGV[1] '1' to count the lookup, '0' for a re-check that must not.
-- Answers the fields value and ttlMs (remaining ms) by name, or an empty array when there is no entry.
local value = redis.call('GET', KEYS[1])
if not value then
  if ARGV[1] == '1' then
    redis.call('HINCRBY', KEYS[2], 'misses', 1)
  end
  return {}
end
if ARGV[1] == '1' then
  redis.call('HINCRBY', KEYS[2], 'hits', 1)
end
return {'value', value, 'ttlMs', redis.call('PTTL', KEYS[1])}

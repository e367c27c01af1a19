-- Removes entries and their index members atomically, so the 'entries' count never drifts.
-- KEYS[1] index, KEYS[2..n] entries; ARGV[1] the length of the entry key prefix (the key follows it).
local prefix = tonumber(ARGV[1])
local removed = 0
for i = 2, #KEYS do
  removed = removed + redis.call('UNLINK', KEYS[i])
  redis.call('ZREM', KEYS[1], string.sub(KEYS[i], prefix + 1))
end
return removed

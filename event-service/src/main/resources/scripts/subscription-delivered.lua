-- Adds delivery counts only to subscriptions that still exist, so a late flush cannot resurrect a deleted one's
-- count. KEYS[1] definitions, KEYS[2] delivered counts. ARGV: name, count, name, count, ... Returns 0.
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
    redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 1])
  end
end
return 0

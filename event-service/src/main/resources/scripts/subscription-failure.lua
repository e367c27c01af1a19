-- Records a subscription's last failure, only while the subscription exists. KEYS[1] definitions, KEYS[2] failures.
-- ARGV[1] the name, ARGV[2] the failure as JSON. Returns 1 when recorded, else 0.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1

-- One page of a task index, newest first. KEYS[1] the index: a zset of task id -> createdAt (epoch ms), one key.
-- ARGV: the position to continue after (createdAt, id; '' for the newest), how many entries to answer.
-- Answers {more (1 when entries follow the page), id, createdAt, id, createdAt, ...}.
-- The position is found by score and id, not by the rank it had: entries removed since (expired tasks) never
-- make a page skip or repeat one. Equal scores are ordered by id (bytewise), descending, as ZREVRANGE has them.
local function before(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      return x < y
    end
  end
  return #a < #b
end

local start = 0
if ARGV[1] ~= '' then
  start = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf')
  local hi = start + redis.call('ZCOUNT', KEYS[1], ARGV[1], ARGV[1])
  -- Among the entries of the same score, the first whose id sorts before the position's id.
  while start < hi do
    local mid = math.floor((start + hi) / 2)
    if before(redis.call('ZREVRANGE', KEYS[1], mid, mid)[1], ARGV[2]) then
      hi = mid
    else
      start = mid + 1
    end
  end
end
local count = tonumber(ARGV[3])
local page = redis.call('ZREVRANGE', KEYS[1], start, start + count - 1, 'WITHSCORES')
local more = '0'
if start + #page / 2 < redis.call('ZCARD', KEYS[1]) then
  more = '1'
end
return {'more', more, 'entries', page}

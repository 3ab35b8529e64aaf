-- Claims a bucket's dirty members for a flush. A claimed set left by a crashed flush is returned
-- first; otherwise the dirty set is moved atomically, so a ping arriving later lands in a new dirty set.
-- The dirty set's oldest-change time moves with it, so a claim that cannot be flushed keeps ageing.
-- One flusher works a bucket at a time (the lease), so parallel workers never write the same claim twice;
-- the lease of a flusher that died lapses, and the next one replays its claim.
-- KEYS[1]: dirty set, KEYS[2]: claimed set, KEYS[3]: oldest-change time of KEYS[1], KEYS[4]: that of KEYS[2],
-- KEYS[5]: the bucket's flush lease. ARGV[1]: this flusher's token, ARGV[2]: lease time (ms).
-- Returns { 1 if this replays a crashed flush's claim else 0, member... }.
local holder = redis.call('GET', KEYS[5])
if holder and holder ~= ARGV[1] then return { 0 } end
local replay = 1
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then
    redis.call('DEL', KEYS[4])
    return { 0 }
  end
  redis.call('RENAME', KEYS[1], KEYS[2])
  if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('RENAME', KEYS[3], KEYS[4]) else redis.call('DEL', KEYS[4]) end
  replay = 0
end
redis.call('SET', KEYS[5], ARGV[1], 'PX', ARGV[2])
local result = redis.call('SMEMBERS', KEYS[2])
table.insert(result, 1, replay)
return result

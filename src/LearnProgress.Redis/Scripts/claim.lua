-- Claims a bucket's dirty members for a flush. A claimed set left by a crashed flush is returned
-- first; otherwise the dirty set is moved atomically, so a ping arriving later lands in a new dirty set.
-- The dirty set's oldest-change time moves with it, so a claim that cannot be flushed keeps ageing.
-- KEYS[1]: dirty set, KEYS[2]: claimed set, KEYS[3]: oldest-change time of KEYS[1], KEYS[4]: that of KEYS[2].
-- Returns { 1 if this replays a crashed flush's claim else 0, member... }.
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
local result = redis.call('SMEMBERS', KEYS[2])
table.insert(result, 1, replay)
return result

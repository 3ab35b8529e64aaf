-- Claims a bucket's dirty members for a flush. A claimed set left by a crashed flush is returned
-- first; otherwise the dirty set is moved atomically, so a ping arriving later lands in a new dirty set.
-- KEYS[1]: dirty set, KEYS[2]: claimed set.
-- Returns { 1 if this replays a crashed flush's claim else 0, member... }.
local replay = 1
if redis.call('EXISTS', KEYS[2]) == 0 then
  if redis.call('EXISTS', KEYS[1]) == 0 then return { 0 } end
  redis.call('RENAME', KEYS[1], KEYS[2])
  replay = 0
end
local result = redis.call('SMEMBERS', KEYS[2])
table.insert(result, 1, replay)
return result

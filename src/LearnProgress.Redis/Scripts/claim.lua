-- Claims a bucket's dirty members for a flush. A claimed set left by a crashed flush is returned
-- first; otherwise the dirty set is moved atomically, so a ping arriving later lands in a new dirty set.
-- The dirty set's oldest-change time moves with it, so a claim that cannot be flushed keeps ageing.
-- Held members (learners the store refused) whose retry time has come rejoin the dirty set first.
-- One flusher works a bucket at a time (the lease), so parallel workers never write the same claim twice;
-- the lease of a flusher that died lapses, and the next one replays its claim.
-- KEYS[1]: dirty set, KEYS[2]: claimed set, KEYS[3]: oldest-change time of KEYS[1], KEYS[4]: that of KEYS[2],
-- KEYS[5]: the bucket's flush lease, KEYS[6]: held members (retry time), KEYS[7]: oldest-change time of KEYS[6].
-- ARGV[1]: this flusher's token, ARGV[2]: lease time (ms), ARGV[3]: now (ms).
-- Returns { 1 if this replays a crashed flush's claim else 0, member... }.
local holder = redis.call('GET', KEYS[5])
if holder and holder ~= ARGV[1] then return { 0 } end

local due = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', ARGV[3])
if #due > 0 then
  for _, member in ipairs(due) do
    redis.call('SADD', KEYS[1], member)
    redis.call('ZREM', KEYS[6], member)
  end
  local held_since = redis.call('GET', KEYS[7])
  local since = redis.call('GET', KEYS[3])
  if held_since and (not since or tonumber(held_since) < tonumber(since)) then redis.call('SET', KEYS[3], held_since) end
  if redis.call('ZCARD', KEYS[6]) == 0 then redis.call('DEL', KEYS[7]) end
end

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

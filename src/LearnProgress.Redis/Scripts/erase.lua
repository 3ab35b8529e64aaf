-- Erases one learner from the buffer and holds the learner's bucket against flushes until the caller lets it go.
-- Every key of the learner carries the bucket's hash tag, so this runs in one hash slot. The caller names the
-- learner's progress hashes it found; if the listed courses or the changed, claimed or held sets name one it did not (a
-- ping in between), nothing is done and the caller looks again, so every key touched is declared in KEYS.
-- KEYS[1]: the bucket's flush lease, KEYS[2]: dirty set, KEYS[3]: claimed set, KEYS[4]: oldest-change time of KEYS[2],
-- KEYS[5]: held members (sorted set), KEYS[6]: attempts per held member, KEYS[7]: oldest-change time of KEYS[5],
-- KEYS[8]: the learner's course set as older versions kept it, KEYS[9]: the learner's day spans (whose 'c:<course>'
-- fields list the buffered courses), KEYS[10..]: progress hashes.
-- ARGV[1]: this eraser's token, ARGV[2]: lease time (ms), ARGV[3]: progress member prefix 'p:<user>:',
-- ARGV[4]: the day spans' member, ARGV[5..]: the members of KEYS[10..].
-- Returns 1 when erased (the lease is then held), -1 when a flush holds the bucket, -2 when a key was not named.
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return -1 end
local prefix = ARGV[3]
local named = {}
for i = 5, #ARGV do named[ARGV[i]] = true end
local function unnamed(members)
  for _, member in ipairs(members) do
    if string.sub(member, 1, #prefix) == prefix and not named[member] then return true end
  end
  return false
end
for _, course in ipairs(redis.call('SMEMBERS', KEYS[8])) do
  if not named[prefix .. course] then return -2 end
end
for _, field in ipairs(redis.call('HKEYS', KEYS[9])) do
  if string.sub(field, 1, 2) == 'c:' and not named[prefix .. string.sub(field, 3)] then return -2 end
end
if unnamed(redis.call('SMEMBERS', KEYS[2])) or unnamed(redis.call('SMEMBERS', KEYS[3]))
  or unnamed(redis.call('ZRANGE', KEYS[5], 0, -1)) then return -2 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = 4, #ARGV do
  redis.call('SREM', KEYS[2], ARGV[i])
  redis.call('SREM', KEYS[3], ARGV[i])
  redis.call('ZREM', KEYS[5], ARGV[i])
  redis.call('HDEL', KEYS[6], ARGV[i])
end
-- An emptied set has no oldest change left to report.
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('DEL', KEYS[4]) end
if redis.call('EXISTS', KEYS[5]) == 0 then redis.call('DEL', KEYS[7]) end
for i = 8, #KEYS do redis.call('DEL', KEYS[i]) end
return 1

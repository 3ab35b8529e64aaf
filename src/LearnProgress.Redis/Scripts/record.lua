-- Merges one learner's pings. All keys carry the learner's bucket hash tag, so this runs in one hash slot.
-- KEYS[1]: the bucket's dirty set; KEYS[2]: the bucket's oldest-change time; KEYS[3..]: progress hashes (one per course).
-- ARGV: 5 values per ping: index into KEYS, dirty-set member, lecture id, position, client time (ms).
-- A lecture's field holds "position|updatedAt|furthest"; the merge is LectureProgress.Merge.
local dirty = KEYS[1]
for i = 1, #ARGV, 5 do
  local key = KEYS[tonumber(ARGV[i])]
  local member, lecture, pos, ts = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local current = redis.call('HGET', key, lecture)
  local value
  if current then
    local cpos, cts, cfur = string.match(current, '^([^|]+)|([^|]+)|([^|]+)$')
    local npos, nts, nfur = cpos, cts, cfur
    local t, ct, p = tonumber(ts), tonumber(cts), tonumber(pos)
    if t > ct or (t == ct and p > tonumber(cpos)) then npos, nts = pos, ts end
    if p > tonumber(cfur) then nfur = pos end
    value = npos .. '|' .. nts .. '|' .. nfur
    if value == current then value = nil end
  else
    value = pos .. '|' .. ts .. '|' .. pos
  end
  -- A duplicate or stale ping changes nothing, so it neither dirties the key nor keeps it alive.
  if value then
    redis.call('HSET', key, lecture, value)
    redis.call('PERSIST', key)
    -- The first change since the last claim dates the bucket's backlog (server time, ms).
    if redis.call('SADD', dirty, member) == 1 then
      local now = redis.call('TIME')
      redis.call('SET', KEYS[2], now[1] .. string.format('%03d', math.floor(now[2] / 1000)), 'NX')
    end
  end
end
return 1

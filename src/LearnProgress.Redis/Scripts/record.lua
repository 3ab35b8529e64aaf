-- Merges the pings of one or more learners (a group: every ping that arrived while the previous call was in flight).
-- On a cluster a group holds learners of one hash slot only, so this runs in one slot; on a single server, any.
-- Every claim (footage, playing time) is computed by the caller from the ping alone (PlaybackRules); this script
-- only merges, so the same set of pings gives the same state in any order, with any repeats.
-- ARGV[1]: TTL (ms) of the learners' day spans; then one section per learner (PingArguments): the index into KEYS of
-- the learner's three keys (the bucket's dirty set, the bucket's oldest-change time, the learner's day spans, which
-- also list the learner's buffered courses), the dirty-set member of the spans, the number of pings,
-- then 11 values per ping: index into KEYS of its progress hash, dirty-set member, course id, lecture id, position,
-- client time (ms, in base 36 as PingArguments.Base36 writes it), footage claimed from and to ('' if none), learner's day, playing span from and to in seconds since
-- the day's start ('' if none).
-- A lecture's field holds "position;updatedAt|furthest|coverage" (LectureProgress.Merge; updatedAt in base 36, eight
-- characters where decimal takes thirteen; coverage as Coverage.Format), furthest left empty when it is the position's
-- text (the usual case). A value written before updatedAt moved to base 36 has '|' after the position and updatedAt in
-- decimal, and keeps that form until a later ping replaces its updatedAt;
-- a day's field holds its spans in the same form; a buffered course is the field 'c:<course>' with an empty value.
local ttl = ARGV[1]
local dirty, since

-- Marks a member changed; true when it was clean, i.e. this is its first change since the last claim. That change
-- dates the bucket's backlog (server time, ms).
local function mark_dirty(member)
  if redis.call('SADD', dirty, member) == 0 then return false end
  local now = redis.call('TIME')
  redis.call('SET', since, now[1] .. string.format('%03d', math.floor(now[2] / 1000)), 'NX')
  return true
end

-- Coverage.Union of "start:end,..." (sorted, disjoint) with [s, e]; touching intervals merge. Every bound is kept as
-- the text it came in (PingArguments and this script both write Coverage.Format's form), so nothing is reformatted.
local function cover(coverage, s, e)
  local out, placed = {}, false
  local sn, en = tonumber(s), tonumber(e)
  for a, b in string.gmatch(coverage, '([^:,]+):([^,]+)') do
    local an, bn = tonumber(a), tonumber(b)
    if bn < sn then
      out[#out + 1] = a .. ':' .. b
    elseif an > en then
      if not placed then out[#out + 1] = s .. ':' .. e; placed = true end
      out[#out + 1] = a .. ':' .. b
    else
      if an < sn then s, sn = a, an end
      if bn > en then e, en = b, bn end
    end
  end
  if not placed then out[#out + 1] = s .. ':' .. e end
  return table.concat(out, ',')
end

-- A time in ms as PingArguments.Base36 writes it.
local function ms(text)
  if string.byte(text) == 45 then return -tonumber(string.sub(text, 2), 36) end
  return tonumber(text, 36)
end

-- One learner's pings: ARGV[first .. first + 11 * count - 1].
local function record(activity, activity_member, first, count)
  local listed, extend = {}, false
  for i = first, first + 11 * (count - 1), 11 do
    local key = KEYS[tonumber(ARGV[i])]
    local member, course, lecture, pos, ts = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
    local cfrom, cto, day, pfrom, pto = ARGV[i + 6], ARGV[i + 7], ARGV[i + 8], ARGV[i + 9], ARGV[i + 10]
    local t, p = ms(ts), tonumber(pos)

    local current = redis.call('HGET', key, lecture)
    local npos, nsep, nts, nfur, ncov = pos, ';', ts, pos, ''
    if current then
      local cpos, csep, cts, cfur, ccov = string.match(current, '^([^|;]+)([|;])([^|]+)|([^|]*)|(.*)$')
      if cfur == '' then cfur = cpos end
      npos, nsep, nts, nfur, ncov = cpos, csep, cts, cfur, ccov
      local ct = csep == ';' and ms(cts) or tonumber(cts)
      if t > ct or (t == ct and p > tonumber(cpos)) then npos, nsep, nts = pos, ';', ts end
      if p > tonumber(cfur) then nfur = pos end
    end
    if cfrom ~= '' then ncov = cover(ncov, cfrom, cto) end
    local value = npos .. nsep .. nts .. '|' .. (nfur == npos and '' or nfur) .. '|' .. ncov
    -- A duplicate or stale ping changes nothing, so it neither dirties the key nor keeps it alive.
    if value ~= current then
      redis.call('HSET', key, lecture, value)
      -- Only a key's first change since its last claim can find it with the TTL of its last flush. The course fields
      -- name every course changed in the day spans' 32 days, longer than a flushed key lives (WriteBehind:FlushedKeyTtl,
      -- 30 days at most), so reads and erasure find every progress key through them.
      if mark_dirty(member) then
        redis.call('PERSIST', key)
        if not listed[course] then
          redis.call('HSET', activity, 'c:' .. course, '')
          listed[course] = true
          extend = true
        end
      end
    end

    if pfrom ~= '' then
      local spans = redis.call('HGET', activity, day)
      local merged = cover(spans or '', pfrom, pto)
      if merged ~= spans then
        redis.call('HSET', activity, day, merged)
        mark_dirty(activity_member)
        extend = extend or not spans
      end
    end
  end
  -- Day spans outlive the accepted client-time window, so a late ping always finds its day here: each new day pushes
  -- the expiry on, and a day is created no earlier than the day itself (less the clock skew allowed). A newly listed
  -- course pushes it on too, so the list outlives every progress key it names.
  if extend then redis.call('PEXPIRE', activity, ttl) end
end

local at = 2
while at <= #ARGV do
  local k = tonumber(ARGV[at])
  dirty, since = KEYS[k], KEYS[k + 1]
  local count = tonumber(ARGV[at + 2])
  record(KEYS[k + 2], ARGV[at + 1], at + 3, count)
  at = at + 3 + 11 * count
end
return 1

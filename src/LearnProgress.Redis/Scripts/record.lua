-- Merges one learner's pings. All keys carry the learner's bucket hash tag, so this runs in one hash slot.
-- Every claim (footage, playing time) is computed by the caller from the ping alone (PlaybackRules); this script
-- only merges, so the same set of pings gives the same state in any order, with any repeats.
-- KEYS[1]: the bucket's dirty set; KEYS[2]: the bucket's oldest-change time; KEYS[3]: the learner's playing spans
-- per day; KEYS[4]: the learner's buffered courses; KEYS[5..]: progress hashes, one per course.
-- ARGV[1]: dirty-set member of KEYS[3]; ARGV[2]: TTL (ms) of KEYS[3] and KEYS[4]; then 11 values per ping (PingArguments):
-- index into KEYS, dirty-set member, course id, lecture id, position, client time (ms), footage claimed from and to
-- ('' if none), learner's day, playing span from and to in seconds since the day's start ('' if none).
-- A lecture's field holds "position|updatedAt|furthest|coverage" (LectureProgress.Merge; coverage as Coverage.Format);
-- a day's field holds its spans in the same form.
local dirty, since, activity, courses = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local activity_member, ttl = ARGV[1], ARGV[2]

local function fmt(x)
  local s = string.format('%.3f', x)
  s = string.gsub(s, '0+$', '')
  s = string.gsub(s, '%.$', '')
  return s
end

-- The first change since the last claim dates the bucket's backlog (server time, ms).
local function mark_dirty(member)
  if redis.call('SADD', dirty, member) == 1 then
    local now = redis.call('TIME')
    redis.call('SET', since, now[1] .. string.format('%03d', math.floor(now[2] / 1000)), 'NX')
  end
end

-- Coverage.Union of "start:end,..." (sorted, disjoint) with [s, e]; touching intervals merge.
local function cover(coverage, s, e)
  local out, placed = {}, false
  for a, b in string.gmatch(coverage, '([^:,]+):([^,]+)') do
    a, b = tonumber(a), tonumber(b)
    if b < s then
      out[#out + 1] = fmt(a) .. ':' .. fmt(b)
    elseif a > e then
      if not placed then out[#out + 1] = fmt(s) .. ':' .. fmt(e); placed = true end
      out[#out + 1] = fmt(a) .. ':' .. fmt(b)
    else
      s, e = math.min(s, a), math.max(e, b)
    end
  end
  if not placed then out[#out + 1] = fmt(s) .. ':' .. fmt(e) end
  return table.concat(out, ',')
end

local seen = {}
for i = 3, #ARGV, 11 do
  local key = KEYS[tonumber(ARGV[i])]
  local member, course, lecture, pos, ts = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
  local cfrom, cto, day, pfrom, pto = ARGV[i + 6], ARGV[i + 7], ARGV[i + 8], ARGV[i + 9], ARGV[i + 10]
  local t, p = tonumber(ts), tonumber(pos)

  local current = redis.call('HGET', key, lecture)
  local npos, nts, nfur, ncov = pos, ts, pos, ''
  if current then
    local cpos, cts, cfur, ccov = string.match(current, '^([^|]+)|([^|]+)|([^|]+)|(.*)$')
    npos, nts, nfur, ncov = cpos, cts, cfur, ccov
    local ct = tonumber(cts)
    if t > ct or (t == ct and p > tonumber(cpos)) then npos, nts = pos, ts end
    if p > tonumber(cfur) then nfur = pos end
  end
  if cfrom ~= '' then ncov = cover(ncov, tonumber(cfrom), tonumber(cto)) end
  local value = npos .. '|' .. nts .. '|' .. nfur .. '|' .. ncov
  -- A duplicate or stale ping changes nothing, so it neither dirties the key nor keeps it alive.
  if value ~= current then
    redis.call('HSET', key, lecture, value)
    redis.call('PERSIST', key)
    mark_dirty(member)
  end

  if pfrom ~= '' then
    local spans = redis.call('HGET', activity, day) or ''
    local merged = cover(spans, tonumber(pfrom), tonumber(pto))
    if merged ~= spans then
      redis.call('HSET', activity, day, merged)
      mark_dirty(activity_member)
    end
  end

  if not seen[course] then
    redis.call('SADD', courses, course)
    seen[course] = true
  end
end
-- Day spans and the course list outlive the accepted client-time window, so a late ping always finds its day here.
redis.call('PEXPIRE', activity, ttl)
redis.call('PEXPIRE', courses, ttl)
return 1

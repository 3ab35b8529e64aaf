-- Merges one learner's pings. All keys carry the learner's bucket hash tag, so this runs in one hash slot.
-- KEYS[1]: the bucket's dirty set; KEYS[2]: the bucket's oldest-change time;
-- KEYS[3]: the learner's playback sessions (session id -> last client time);
-- KEYS[4]: the learner's played seconds per day; KEYS[5..]: progress hashes, one per course.
-- ARGV[1]: dirty-set member of the activity hash; ARGV[2]: footage allowed to a session's first ping (s);
-- ARGV[3]: session TTL (ms); ARGV[4]: activity TTL (ms); then 8 values per ping: index into KEYS, dirty-set member,
-- lecture id, position, client time (ms), segment start ('' if none), session id ('' if none), learner's day.
-- A lecture's field holds "position|updatedAt|furthest|coverage" (LectureProgress.Merge; coverage as Coverage.Format).
local dirty, since, sessions, activity = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local activity_member, first_cap = ARGV[1], tonumber(ARGV[2])
local session_ttl, activity_ttl = ARGV[3], ARGV[4]

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

for i = 5, #ARGV, 8 do
  local key = KEYS[tonumber(ARGV[i])]
  local member, lecture, pos, ts = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local segment, session, day = ARGV[i + 5], ARGV[i + 6], ARGV[i + 7]
  local t, p = tonumber(ts), tonumber(pos)
  local changed = false

  -- Footage a ping may claim is capped by the client time since the session's previous ping (at up to 2x speed).
  local last = false
  local advanced = false
  if session ~= '' then
    last = redis.call('HGET', sessions, session)
    if not last or t > tonumber(last) then
      redis.call('HSET', sessions, session, ts)
      redis.call('PEXPIRE', sessions, session_ttl)
      advanced = true
    end
  end
  local played_from = nil
  if segment ~= '' then
    local allowed = first_cap
    if last then allowed = math.max(0, 2 * (t - tonumber(last)) / 1000) end
    local s = math.max(tonumber(segment), p - allowed)
    if p > s then played_from = s end
  end

  local current = redis.call('HGET', key, lecture)
  local npos, nts, nfur, ncov = pos, ts, pos, ''
  if current then
    local cpos, cts, cfur, ccov = string.match(current, '^([^|]+)|([^|]+)|([^|]+)|(.*)$')
    npos, nts, nfur, ncov = cpos, cts, cfur, ccov
    local ct = tonumber(cts)
    if t > ct or (t == ct and p > tonumber(cpos)) then npos, nts = pos, ts end
    if p > tonumber(cfur) then nfur = pos end
  end
  if played_from then ncov = cover(ncov, played_from, p) end
  local value = npos .. '|' .. nts .. '|' .. nfur .. '|' .. ncov
  if value ~= current then
    redis.call('HSET', key, lecture, value)
    changed = true
  end

  -- Seconds count only once per ping of a session, so a duplicate or replayed ping adds nothing.
  if played_from and advanced then
    local seconds = tonumber(redis.call('HGET', activity, day) or '0')
    local total = math.min(86400, seconds + (p - played_from))
    if total > seconds then
      redis.call('HSET', activity, day, fmt(total))
      redis.call('PEXPIRE', activity, activity_ttl)
      mark_dirty(activity_member)
    end
  end

  -- A duplicate or stale ping changes nothing, so it neither dirties the key nor keeps it alive.
  if changed then
    redis.call('PERSIST', key)
    mark_dirty(member)
  end
end
return 1

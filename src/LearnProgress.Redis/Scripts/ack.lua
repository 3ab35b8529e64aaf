-- Acknowledges a flushed claim. A progress key gets its TTL only if no ping dirtied it again since the claim;
-- otherwise it stays without expiry until the next flush writes the newer state. Members of learners the store
-- refused are held: they keep their keys (no TTL) and are claimed again after a delay that doubles per attempt.
-- KEYS[1]: dirty set, KEYS[2]: claimed set, KEYS[3]: held members (retry time), KEYS[4]: attempts per held member,
-- KEYS[5]: oldest-change time of KEYS[3], KEYS[6]: oldest-change time of KEYS[2], KEYS[7..]: the written progress hashes.
-- ARGV[1]: TTL in ms; ARGV[2]: now (ms); ARGV[3]: first retry delay (ms); ARGV[4]: longest retry delay (ms);
-- ARGV[5]: number of written members n; ARGV[6..5+n]: written members (progress members match KEYS[7..] in order,
-- then day members); the rest: held members.
local ttl, now, first, longest, n = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local key = 7
for i = 6, 5 + n do
  local member = ARGV[i]
  redis.call('HDEL', KEYS[4], member)
  if string.sub(member, 1, 2) == 'p:' then
    if redis.call('SISMEMBER', KEYS[1], member) == 0 then
      redis.call('PEXPIRE', KEYS[key], ttl)
    end
    key = key + 1
  end
end
for i = 6 + n, #ARGV do
  local member = ARGV[i]
  local attempts = redis.call('HINCRBY', KEYS[4], member, 1)
  local delay = math.min(longest, first * 2 ^ (attempts - 1))
  redis.call('ZADD', KEYS[3], now + delay, member)
  if redis.call('EXISTS', KEYS[5]) == 0 then
    redis.call('SET', KEYS[5], redis.call('GET', KEYS[6]) or now)
  end
end
redis.call('DEL', KEYS[2])
return n

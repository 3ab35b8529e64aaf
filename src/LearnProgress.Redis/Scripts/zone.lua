-- Caches a learner's time zone as a field of the learner's day-spans hash, so the zone costs a field, not a key of
-- its own, and is erased with the learner's other keys. A hash this creates (a learner with no days buffered) lives
-- for ARGV[3] ms; a day recorded later pushes its expiry on (record.lua).
-- KEYS[1]: the learner's day spans; ARGV[1]: the zone id; ARGV[2]: 'fill' (keep a zone set meanwhile) or 'set';
-- ARGV[3]: TTL (ms) of a hash this creates.
if ARGV[2] == 'fill' then
  redis.call('HSETNX', KEYS[1], 'z', ARGV[1])
else
  redis.call('HSET', KEYS[1], 'z', ARGV[1])
end
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1

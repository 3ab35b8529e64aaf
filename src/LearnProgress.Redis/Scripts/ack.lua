-- Acknowledges a flushed claim. A progress key gets its TTL only if no ping dirtied it again since the claim;
-- otherwise it stays without expiry until the next flush writes the newer state.
-- KEYS[1]: dirty set, KEYS[2]: claimed set, KEYS[3..]: the flushed progress hashes.
-- ARGV[1]: TTL in ms; ARGV[2..]: the dirty-set members of KEYS[3..].
for i = 3, #KEYS do
  if redis.call('SISMEMBER', KEYS[1], ARGV[i - 1]) == 0 then
    redis.call('PEXPIRE', KEYS[i], ARGV[1])
  end
end
redis.call('DEL', KEYS[2])
return #KEYS - 2

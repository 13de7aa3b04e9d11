/**
 * Lua for the compare-then-write steps Redis has no single command for. Redis runs a script without
 * interleaving any other command, which is what makes each of these atomic across replicas.
 */

/** KEYS[1] record; ARGV[1] expected text, ARGV[2] next text. Returns 1 when written. */
export const COMPARE_AND_SET = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0`;

/** KEYS[1] sorted-set index; ARGV[1] member, ARGV[2] highest version that may be removed. */
export const REMOVE_FROM_INDEX = `
local version = redis.call('ZSCORE', KEYS[1], ARGV[1])
if version and tonumber(version) <= tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0`;

/** KEYS[1] lease; ARGV[1] owner, ARGV[2] ttl in ms. Extends only the owner's own lease. */
export const RENEW_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** KEYS[1] lease; ARGV[1] owner. Deletes only the owner's own lease. */
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * KEYS[1] counter; ARGV[1] window in ms. INCR, and start the window when this made the counter
 * (or when it somehow has no expiry, so that a counter can never live forever). Returns the count.
 */
export const INCREMENT_COUNTER = `
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count`;

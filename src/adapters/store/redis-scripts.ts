/**
 * Lua for the compare-then-write steps Redis has no single command for. Redis runs a script without
 * interleaving any other command, which is what makes each of these atomic across replicas.
 */

/**
 * A lease is a string `<epoch>:<owner>` with the lease's expiry (PX); the epoch counter beside it
 * never expires. Lua's patterns read the two parts back.
 */
const LEASE_PARTS = `
local function lease_parts(key)
  local value = redis.call('GET', key)
  if not value then return nil, nil end
  local epoch, owner = string.match(value, '^(%d+):(.*)$')
  return epoch, owner
end`;

/**
 * KEYS[1] record, then KEYS[2] the lease when ARGV[3] (its epoch) is not empty, then one key per
 * counter. ARGV[1] expected text, ARGV[2] next text, then per counter: delta, limit ('' for none),
 * expiry (ms since the epoch). Returns {1} written, {0} the record changed, {-1} fenced, or
 * {-2, index, current} when counter `index` (0-based) would pass its limit. Nothing is written unless
 * everything holds.
 */
export const COMPARE_AND_SET = `${LEASE_PARTS}
local first = 2
if ARGV[3] ~= '' then
  local epoch = lease_parts(KEYS[2])
  if epoch ~= ARGV[3] then return {-1} end
  first = 3
end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {0} end
for i = first, #KEYS do
  local at = 4 + (i - first) * 3
  local delta = tonumber(ARGV[at])
  local current = tonumber(redis.call('GET', KEYS[i]) or '0')
  if delta > 0 and ARGV[at + 1] ~= '' and current + delta > tonumber(ARGV[at + 1]) then
    return {-2, i - first, current}
  end
end
for i = first, #KEYS do
  local at = 4 + (i - first) * 3
  local delta = tonumber(ARGV[at])
  if delta > 0 then
    redis.call('INCRBY', KEYS[i], delta)
    redis.call('PEXPIREAT', KEYS[i], ARGV[at + 2])
  elseif redis.call('EXISTS', KEYS[i]) == 1 then
    if redis.call('DECRBY', KEYS[i], -delta) < 0 then redis.call('SET', KEYS[i], 0, 'KEEPTTL') end
  end
end
redis.call('SET', KEYS[1], ARGV[2])
return {1}`;

/**
 * KEYS[1] lease, KEYS[2] epoch counter; ARGV[1] owner, ARGV[2] ttl in ms. Extends the owner's own
 * lease (same epoch), takes a free one with the next epoch, returns 0 when another owner holds it.
 */
export const ACQUIRE_LEASE = `${LEASE_PARTS}
local epoch, owner = lease_parts(KEYS[1])
if epoch then
  if owner ~= ARGV[1] then return 0 end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(epoch)
end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local next = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], next .. ':' .. ARGV[1], 'PX', ARGV[2])
return next`;

/** KEYS[1] sorted-set index; ARGV[1] member, ARGV[2] highest version that may be removed. */
export const REMOVE_FROM_INDEX = `
local version = redis.call('ZSCORE', KEYS[1], ARGV[1])
if version and tonumber(version) <= tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0`;

/** KEYS[1] lease; ARGV[1] owner, ARGV[2] ttl in ms. Extends only the owner's own lease. */
export const RENEW_LEASE = `${LEASE_PARTS}
local epoch, owner = lease_parts(KEYS[1])
if epoch and owner == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** KEYS[1] lease; ARGV[1] owner. Deletes only the owner's own lease. */
export const RELEASE_LEASE = `${LEASE_PARTS}
local epoch, owner = lease_parts(KEYS[1])
if epoch and owner == ARGV[1] then
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

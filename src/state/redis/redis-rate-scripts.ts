/**
 * Rate limits shared through Redis: a sliding window log per provider. KEYS[1] is a sorted set of
 * the calls admitted in the window (member `<reservation id>:<tokens>`, score: start time in ms),
 * KEYS[2] the sum of their tokens; both under the provider's hash tag (one Cluster slot).
 *
 * Why a log and not GCRA or a token bucket: the limit is a true per-minute bound — at most
 * `requestsPerMinute` calls start in any 60 s, whoever sent them — and a bucket allows a full
 * burst plus a minute's refill inside one minute. The log costs one sorted-set entry per call of
 * the last minute, which is what a per-minute limit of a model API amounts to (hundreds to tens of
 * thousands). The time is Redis's own (`TIME`), so workers' clock skew does not move the window.
 */

/**
 * Reserve a place. ARGV: now ms ('' for Redis time), window ms, requests limit (0: none), tokens
 * limit (0: none), reservation id, tokens. Drops entries older than the window (and their tokens),
 * then admits when the window holds fewer calls than the requests limit and (unless it is empty)
 * its tokens plus these stay within the tokens limit. Returns { 1, 0, calls, tokens } when
 * admitted, { 0, ms until a place frees, calls, tokens } otherwise: for requests, when the entry
 * that holds the place leaves; for tokens, when the oldest entry leaves (a lower bound).
 */
export const RATE_RESERVE_LUA = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local window = tonumber(ARGV[2])
local max_calls = tonumber(ARGV[3])
local max_tokens = tonumber(ARGV[4])
local tokens = tonumber(ARGV[6])
local cutoff = now - window
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff)
if #old > 0 then
  local freed = 0
  for _, member in ipairs(old) do
    freed = freed + (tonumber(string.match(member, ':(%d+)$')) or 0)
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
  if freed > 0 then redis.call('DECRBY', KEYS[2], freed) end
end
local calls = redis.call('ZCARD', KEYS[1])
local used = 0
if calls == 0 then
  redis.call('DEL', KEYS[2])
else
  used = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
end
if max_calls > 0 and calls >= max_calls then
  local holder = redis.call('ZRANGE', KEYS[1], calls - max_calls, calls - max_calls, 'WITHSCORES')
  return { 0, math.max(1, tonumber(holder[2]) + window - now), calls, used }
end
if max_tokens > 0 and calls > 0 and used + tokens > max_tokens then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return { 0, math.max(1, tonumber(oldest[2]) + window - now), calls, used }
end
redis.call('ZADD', KEYS[1], now, ARGV[5] .. ':' .. tokens)
if tokens > 0 then redis.call('INCRBY', KEYS[2], tokens) end
redis.call('PEXPIRE', KEYS[1], window * 2)
redis.call('PEXPIRE', KEYS[2], window * 2)
return { 1, 0, calls + 1, used + tokens }
`;

/**
 * Correct a reservation to the call's real tokens, or remove it (a call that never reached the
 * provider). ARGV: reservation id, reserved tokens, new tokens (-1: remove). Nothing when the
 * entry already left the window. Returns 1 when changed, 0 otherwise.
 */
export const RATE_ADJUST_LUA = `
local member = ARGV[1] .. ':' .. ARGV[2]
local score = redis.call('ZSCORE', KEYS[1], member)
if not score then return 0 end
redis.call('ZREM', KEYS[1], member)
local reserved = tonumber(ARGV[2])
local new = tonumber(ARGV[3])
if new >= 0 then
  redis.call('ZADD', KEYS[1], score, ARGV[1] .. ':' .. new)
else
  new = 0
end
if new ~= reserved then
  redis.call('INCRBY', KEYS[2], new - reserved)
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return 1
`;

/**
 * Compare-and-set of a circuit record, then its broadcast, in one atomic step.
 *
 * KEYS: state, versionFloor. ARGV: record JSON, ttl ms (0: none), floor ttl ms, channel, sender id.
 * The stored record is replaced only by one that wins the order of `compareRecords` (version, then
 * open over closed, later open-until, later cooldown, greater writer). When the record has expired
 * but a higher version was stored before, the incoming decision is renumbered above that floor so
 * versions never go back. Returns { 1, stored JSON } when stored (and published), { 0, current
 * JSON } when the current record wins.
 */
export const WRITE_RECORD_LUA = `
local incoming = cjson.decode(ARGV[1])
local current_raw = redis.call('GET', KEYS[1])
if current_raw then
  local ok, current = pcall(cjson.decode, current_raw)
  if ok and type(current) == 'table' and type(current.version) == 'number' then
    local function n(v) if type(v) == 'number' then return v end return 0 end
    local function rank(r) if r.state == 'open' then return 1 end return 0 end
    local a = { n(incoming.version), rank(incoming), n(incoming.openUntil), n(incoming.cooldownUntil) }
    local b = { n(current.version), rank(current), n(current.openUntil), n(current.cooldownUntil) }
    local verdict = 0
    for i = 1, 4 do
      if a[i] ~= b[i] then
        if a[i] > b[i] then verdict = 1 else verdict = -1 end
        break
      end
    end
    if verdict == 0 then
      -- Byte order, as in JavaScript's Buffer.compare (Lua's < follows the server's locale).
      local wa, wb = tostring(incoming.writer), tostring(current.writer)
      for i = 1, math.min(#wa, #wb) do
        local ca, cb = string.byte(wa, i), string.byte(wb, i)
        if ca ~= cb then
          if ca > cb then verdict = 1 else verdict = -1 end
          break
        end
      end
      if verdict == 0 and #wa ~= #wb then
        if #wa > #wb then verdict = 1 else verdict = -1 end
      end
    end
    if verdict <= 0 then return { 0, current_raw } end
  end
end
local floor = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
local payload = ARGV[1]
if not current_raw and incoming.version <= floor then
  incoming.version = floor + 1
  payload = cjson.encode(incoming)
end
if floor < incoming.version then floor = incoming.version end
local ttl = tonumber(ARGV[2])
if ttl and ttl > 0 then
  redis.call('SET', KEYS[1], payload, 'PX', ttl)
else
  redis.call('SET', KEYS[1], payload)
end
redis.call('SET', KEYS[2], tostring(floor), 'PX', tonumber(ARGV[3]))
redis.call('PUBLISH', ARGV[4], '{"type":"state","from":' .. cjson.encode(ARGV[5]) .. ',"record":' .. payload .. '}')
return { 1, payload }
`;

/**
 * Claims one slot of the cluster-wide probe lock (SET NX PX): KEYS are the slots, ARGV the worker id
 * and the claim's lifetime. Returns { slot index, 0 } when won (a slot this worker already holds
 * counts), { -1, ms until the first slot frees } when every slot is taken.
 */
export const CLAIM_PROBE_LUA = `
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then return { i - 1, 0 } end
end
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, ARGV[1], 'NX', 'PX', tonumber(ARGV[2])) then return { i - 1, 0 } end
end
local wait = -1
for _, key in ipairs(KEYS) do
  local ttl = redis.call('PTTL', key)
  if ttl >= 0 and (wait < 0 or ttl < wait) then wait = ttl end
end
return { -1, wait }
`;

/**
 * Heartbeat: KEYS[1] the worker registry, ARGV the worker id and the registry TTL (ms). Scores by
 * Redis time, so workers' clock skew does not matter; drops workers silent for longer than the TTL.
 * Returns the number of live workers. ARGV[3] = '1' removes the worker instead (clean shutdown).
 */
export const HEARTBEAT_LUA = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
if ARGV[3] == '1' then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return redis.call('ZCARD', KEYS[1])
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
redis.call('PEXPIRE', KEYS[1], ttl * 4)
return redis.call('ZCARD', KEYS[1])
`;

/** Extends a probe claim this worker holds (KEYS[1]; ARGV: worker id, ttl ms). */
export const EXTEND_CLAIM_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
end
return 0
`;

/**
 * One failure of a closed circuit, counted cluster-wide: INCR, with the window set by the first.
 * KEYS: the failure counter. ARGV: window ms. Returns the count within the window.
 */
export const COUNT_FAILURE_LUA = `
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

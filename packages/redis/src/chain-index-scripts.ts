import { createHash } from 'node:crypto';

/** A Lua script run with EVALSHA, falling back to EVAL when the server lacks it. */
export interface LuaScript {
  source: string;
  sha1: string;
}

function luaScript(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

// Lua's `<` on strings follows the server's collation locale, so digests are compared byte by byte.
const BYTE_ORDER = `
local function less(a, b)
  for i = 1, 32 do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return false
end
`;

/**
 * Adds the 32-byte digest ARGV[2] to the sorted digest list in field ARGV[1] of hash KEYS[1].
 * Returns 1 when added, 0 when it was there. One key, so it runs on Redis Cluster.
 */
export const ADD_DIGEST = luaScript(`${BYTE_ORDER}
local value = redis.call('HGET', KEYS[1], ARGV[1])
local digest = ARGV[2]
if not value then
  redis.call('HSET', KEYS[1], ARGV[1], digest)
  return 1
end
local count = #value / 32
local position = count
for i = 0, count - 1 do
  local current = string.sub(value, i * 32 + 1, i * 32 + 32)
  if current == digest then return 0 end
  if less(digest, current) then
    position = i
    break
  end
end
local updated = string.sub(value, 1, position * 32) .. digest .. string.sub(value, position * 32 + 1)
redis.call('HSET', KEYS[1], ARGV[1], updated)
return 1
`);

/**
 * Removes the 32-byte digest ARGV[2] from field ARGV[1] of hash KEYS[1], deleting the field when
 * no digest remains. Returns 1 when removed, 0 when it was not there.
 */
export const REMOVE_DIGEST = luaScript(`
local value = redis.call('HGET', KEYS[1], ARGV[1])
if not value then return 0 end
local digest = ARGV[2]
local count = #value / 32
for i = 0, count - 1 do
  if string.sub(value, i * 32 + 1, i * 32 + 32) == digest then
    if count == 1 then
      redis.call('HDEL', KEYS[1], ARGV[1])
    else
      local rest = string.sub(value, 1, i * 32) .. string.sub(value, i * 32 + 33)
      redis.call('HSET', KEYS[1], ARGV[1], rest)
    end
    return 1
  end
end
return 0
`);

/**
 * Reads field i of hash KEYS[i] for every i, in one command. ARGV[1] contains the fields
 * concatenated, all of one width. Returns the values in key order, nil for a missing field. Keys of different
 * Cluster slots cannot share a script call, so only a single server runs it.
 */
export const READ_FIELDS = luaScript(`
local fields = ARGV[1]
local width = #fields / #KEYS
local values = {}
for i = 1, #KEYS do
  local field = string.sub(fields, (i - 1) * width + 1, i * width)
  values[i] = redis.call('HGET', KEYS[i], field) or false
end
return values
`);

import { describe, expect, it } from 'vitest';
import { keySlot } from './redis-pipelines.ts';

describe('keySlot', () => {
  it('matches the slots Redis Cluster computes', () => {
    // Values from CLUSTER KEYSLOT on Redis 7.0.
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('bar')).toBe(5061);
  });

  it('hashes only the hash tag', () => {
    expect(keySlot('strata:{b:00ff}')).toBe(keySlot('b:00ff'));
    expect(keySlot('a{user1000}.following')).toBe(keySlot('user1000'));
  });

  it('hashes the whole key when the tag is empty', () => {
    expect(keySlot('a{}b')).toBe(13694);
  });
});

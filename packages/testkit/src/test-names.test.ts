import { describe, expect, it } from 'vitest';

import { createTestNames } from './test-names.ts';

/** S3 bucket names: 3 to 63 lowercase letters, digits and hyphens, starting and ending alnum. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

describe('createTestNames', () => {
  it('derives every name from the label and a random suffix', () => {
    const names = createTestNames('Kafka: round trip!', () => '0123abcd');

    expect(names.topic).toBe('t-kafka-round-trip-0123abcd-topic');
    expect(names.database).toBe('t-kafka-round-trip-0123abcd-db');
    expect(names.keyPrefix).toBe('t-kafka-round-trip-0123abcd:');
    expect(names.bucket).toBe('t-kafka-round-trip-0123abcd-bucket');
    expect(names.groupId).toBe('t-kafka-round-trip-0123abcd-group');
  });

  it('gives two tests with one label different names', () => {
    const first = createTestNames('same label');
    const second = createTestNames('same label');

    expect(first.topic).not.toBe(second.topic);
    expect(first.bucket).not.toBe(second.bucket);
  });

  it('keeps names of long labels valid for S3 and MongoDB', () => {
    const names = createTestNames('x'.repeat(200) + ' ' + 'y'.repeat(200));

    expect(names.bucket).toMatch(BUCKET_NAME);
    expect(names.database.length).toBeLessThanOrEqual(63);
    expect(names.unique('second topic with a long kind name')).toMatch(BUCKET_NAME);
  });

  it('names a label without letters or digits "test"', () => {
    expect(createTestNames('!!!', () => 'ffff0000').topic).toBe('t-test-ffff0000-topic');
  });

  it('returns a new name for each unique call', () => {
    const names = createTestNames('unique');

    expect(names.unique('topic')).not.toBe(names.unique('topic'));
  });
});

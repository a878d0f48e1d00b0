import { StrataError } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = {
    write: (line: string) => {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };

  return { lines, logger: createLogger({ service: 'test-worker', level: 'debug', destination }) };
}

describe('createLogger', () => {
  it('writes level names, service and fields', () => {
    const { lines, logger } = capture();
    logger.info({ topic: 'image.analyzed', partition: 2 }, 'batch done');

    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'test-worker',
      topic: 'image.analyzed',
      partition: 2,
      msg: 'batch done',
    });
  });

  it('redacts credential fields', () => {
    const { lines, logger } = capture();
    logger.info({ sasl: { username: 'u', password: 'hunter2' }, password: 'x' }, 'connecting');

    expect(JSON.stringify(lines[0])).not.toContain('hunter2');
    expect(lines[0]?.password).toBe('***');
  });

  it('serializes errors under err without URL passwords', () => {
    const { lines, logger } = capture();
    const error = new StrataError('SERVICE_UNAVAILABLE', 'cannot reach mongodb://a:hunter2@db/', {
      retryable: true,
    });
    logger.error({ err: error }, 'store failed');
    const err = lines[0]?.err as Record<string, unknown>;

    expect(err.message).toBe('cannot reach mongodb://a:***@db/');
    expect(err.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(lines[0])).not.toContain('hunter2');
  });
});

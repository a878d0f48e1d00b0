import { StrataError } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { isUnavailableError, toStrataError } from './kafka-errors.ts';

function kafkaJsError(name: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...fields });
}

describe('isUnavailableError', () => {
  it('accepts connection failures and retriable protocol errors', () => {
    expect(isUnavailableError(kafkaJsError('KafkaJSConnectionError'))).toBe(true);
    expect(isUnavailableError(kafkaJsError('KafkaJSProtocolError', { retriable: true }))).toBe(
      true,
    );
  });

  it('accepts a rebalance in progress', () => {
    const rebalancing = kafkaJsError('KafkaJSProtocolError', {
      retriable: false,
      type: 'REBALANCE_IN_PROGRESS',
    });

    expect(isUnavailableError(rebalancing)).toBe(true);
  });

  it('looks through wrapped causes', () => {
    const cause = kafkaJsError('KafkaJSRequestTimeoutError');
    const wrapped = kafkaJsError('KafkaJSNonRetriableError', { retriable: false, cause });

    expect(isUnavailableError(wrapped)).toBe(true);
  });

  it('rejects other errors', () => {
    const invalid = kafkaJsError('KafkaJSProtocolError', {
      retriable: false,
      type: 'INVALID_TOPIC',
    });

    expect(isUnavailableError(invalid)).toBe(false);
    expect(isUnavailableError('text')).toBe(false);
  });
});

describe('toStrataError', () => {
  it('names the brokers and the variable for an unavailable cluster', () => {
    const error = toStrataError(kafkaJsError('KafkaJSConnectionError'), 'publish', ['b1:9092']);

    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('b1:9092');
    expect(error.message).toContain('KAFKA_BROKERS');
  });

  it('keeps other errors non-retryable with their cause', () => {
    const cause = kafkaJsError('KafkaJSProtocolError', { retriable: false });

    const error = toStrataError(cause, 'publish', ['b1:9092'], { topic: 't' });

    expect(error.code).toBe('INTERNAL');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(cause);
    expect(error.details).toMatchObject({ topic: 't', operation: 'publish' });
  });

  it('passes StrataErrors through', () => {
    const original = new StrataError('CONFLICT', 'x');

    expect(toStrataError(original, 'publish', [])).toBe(original);
  });
});

import { StrataError } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { workerConfigRules, workerConfigShape } from './common-config.ts';
import { parseConfig } from './parse-config.ts';
import type { ConfigProblem } from './parse-config.ts';

const schema = z.object(workerConfigShape).check(...workerConfigRules);

const validEnv = {
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
  MONGODB_URI: 'mongodb://strata:hunter2@127.0.0.1:27017/?authSource=admin',
  REDIS_URL: 'redis://127.0.0.1:6379',
  S3_ENDPOINT: 'http://127.0.0.1:9000',
  S3_REGION: 'us-east-1',
  S3_ACCESS_KEY_ID: 'minio',
  S3_SECRET_ACCESS_KEY: 'minio-secret',
  S3_BUCKET: 'strata-analyses',
};

function problemsOf(env: Record<string, string>): ConfigProblem[] {
  try {
    parseConfig(schema, env);
  } catch (error) {
    expect(error).toBeInstanceOf(StrataError);
    return (error as StrataError).details.problems as ConfigProblem[];
  }

  throw new Error('expected parseConfig to throw');
}

describe('parseConfig', () => {
  it('returns typed values with defaults', () => {
    const config = parseConfig(schema, validEnv);

    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(config.HTTP_PORT).toBe(9464);
    expect(config.SHUTDOWN_GRACE_MS).toBe(30_000);
    expect(config.KAFKA_TLS).toBe(false);
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('parses integers and booleans from strings', () => {
    const config = parseConfig(schema, { ...validEnv, HTTP_PORT: '0', KAFKA_TLS: 'Yes' });

    expect(config.HTTP_PORT).toBe(0);
    expect(config.KAFKA_TLS).toBe(true);
  });

  it('lists every problem in one error', () => {
    const problems = problemsOf({
      ...validEnv,
      KAFKA_BROKERS: 'not a broker',
      HTTP_PORT: '70000',
      SHUTDOWN_GRACE_MS: '1e3',
      S3_REGION: '',
      LOG_LEVEL: 'loud',
    });

    expect(problems.map((problem) => problem.variable).sort()).toEqual([
      'HTTP_PORT',
      'KAFKA_BROKERS',
      'LOG_LEVEL',
      'S3_REGION',
      'SHUTDOWN_GRACE_MS',
    ]);
  });

  it('rejects host:port ports outside 1 to 65535', () => {
    const problems = problemsOf({
      ...validEnv,
      KAFKA_BROKERS: '127.0.0.1:9092,127.0.0.1:99999',
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: '127.0.0.1:0',
    });
    const broker = problems.find((problem) => problem.variable === 'KAFKA_BROKERS');
    const node = problems.find((problem) => problem.variable === 'REDIS_CLUSTER_NODES');

    expect(broker?.value).toBe('127.0.0.1:9092,127.0.0.1:99999');
    expect(broker?.message).toContain('port from 1 to 65535');
    expect(node?.message).toContain('port from 1 to 65535');
  });

  it('lists an unparsable URL beside other problems', () => {
    const problems = problemsOf({ ...validEnv, MONGODB_URI: 'not a url', LOG_LEVEL: 'loud' });

    expect(problems).toEqual([
      { variable: 'LOG_LEVEL', value: 'loud', message: expect.any(String) as string },
      { variable: 'MONGODB_URI', value: 'not a url', message: 'must be a URL' },
    ]);
  });

  it('names missing variables as not set', () => {
    const env: Record<string, string> = { ...validEnv };
    delete env.MONGODB_URI;

    expect(() => parseConfig(schema, env)).toThrow(/MONGODB_URI \(not set\)/);
  });

  it('reports cross-variable rules beside field problems', () => {
    const problems = problemsOf({
      ...validEnv,
      HTTP_PORT: 'eighty',
      KAFKA_SASL_MECHANISM: 'plain',
      REDIS_CLUSTER_NODES: '127.0.0.1:7000',
    });
    const variables = problems.map((problem) => problem.variable);

    expect(variables).toContain('HTTP_PORT');
    expect(variables).toContain('KAFKA_SASL_USERNAME');
    expect(variables).toContain('KAFKA_SASL_PASSWORD');
    expect(variables).toContain('REDIS_URL');
  });

  it('masks secrets and URL passwords in the message', () => {
    let message = '';
    try {
      parseConfig(schema, {
        ...validEnv,
        MONGODB_URI: 'postgres://strata:hunter2@127.0.0.1/',
        S3_SECRET_ACCESS_KEY: '',
      });
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toContain('MONGODB_URI');
    expect(message).toContain('S3_SECRET_ACCESS_KEY ("***")');
    expect(message).not.toContain('hunter2');
  });

  it('requires TLS for TLS files', () => {
    const problems = problemsOf({ ...validEnv, KAFKA_TLS_CA_FILE: '/etc/ca.pem' });

    expect(problems).toEqual([
      { variable: 'KAFKA_TLS_CA_FILE', value: '/etc/ca.pem', message: 'requires KAFKA_TLS=true' },
    ]);
  });

  it('reads nothing but the given environment', () => {
    const config = parseConfig(schema, { ...validEnv, LOG_LEVEL: 'debug' });

    expect(config.LOG_LEVEL).toBe('debug');
    expect(Object.keys(config)).not.toContain('PATH');
  });
});

import { EventEmitter } from 'node:events';
import { StrataError } from '@strata/core';
import {
  InMemoryChainIndex,
  InMemoryEventBus,
  InMemoryImageStore,
  InMemoryObjectStore,
} from '@strata/memory';
import { describe, expect, it } from 'vitest';
import { runIngestionProcess } from './ingestion-process.ts';
import type { ConnectedPorts, ConnectPorts } from './ingestion-process.ts';
import { waitUntil } from './test-support.ts';

class FakeProcess extends EventEmitter {
  readonly exits: number[] = [];

  exit(code: number): void {
    this.exits.push(code);
  }
}

const env = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  MONGODB_URI: 'mongodb://127.0.0.1:27017',
  REDIS_URL: 'redis://127.0.0.1:6379',
  S3_ENDPOINT: 'http://127.0.0.1:9000',
  S3_REGION: 'us-east-1',
  S3_ACCESS_KEY_ID: 'id',
  S3_SECRET_ACCESS_KEY: 'secret',
  S3_BUCKET: 'strata',
  HTTP_PORT: '0',
  RETRY_INITIAL_DELAY_MS: '1',
};

function memoryPorts(closed: string[]): ConnectedPorts {
  const step = (name: string) => ({
    name,
    run: () => {
      closed.push(name);
      return Promise.resolve();
    },
  });

  return {
    bus: new InMemoryEventBus(),
    store: new InMemoryImageStore(),
    index: new InMemoryChainIndex(),
    objects: new InMemoryObjectStore(),
    closeSteps: [step('close event bus'), step('close image store'), step('close object store')],
  };
}

function run(connect: ConnectPorts, environment: Record<string, string> = env) {
  const fake = new FakeProcess();
  const lines: Record<string, unknown>[] = [];
  const errors: string[] = [];
  const logDestination = {
    write: (line: string) => {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
  const started = runIngestionProcess({
    env: environment,
    process: fake,
    connect,
    logDestination,
    writeError: (text) => errors.push(text),
  });

  return { fake, lines, errors, started };
}

describe('runIngestionProcess', () => {
  it('exits 2 listing every config problem', async () => {
    const { fake, errors, started } = run(() => Promise.reject(new Error('not called')), {
      HTTP_PORT: 'x',
    });

    expect(await started).toBeUndefined();
    expect(fake.exits).toEqual([2]);
    expect(errors[0]).toMatch(/KAFKA_BROKERS \(not set\)/);
    expect(errors[0]).toMatch(/HTTP_PORT \("x"\)/);
    expect(errors[0]).toMatch(/S3_SECRET_ACCESS_KEY \(not set\)/);
  });

  it('reports ready, then drains in order on SIGTERM', async () => {
    const closed: string[] = [];
    const { fake, started, lines } = run(() => Promise.resolve(memoryPorts(closed)));
    const running = await started;
    const ready = await fetch(`http://127.0.0.1:${running?.health.port}/readyz`);
    fake.emit('SIGTERM');
    await waitUntil(() => fake.exits.length > 0);
    const steps = lines
      .filter((line) => line.msg === 'shutdown step done')
      .map((line) => line.step);

    expect(ready.status).toBe(200);
    expect(fake.exits).toEqual([0]);
    expect(steps).toEqual([
      'stop consumer',
      'close event bus',
      'close image store',
      'close object store',
      'close health server',
    ]);
    expect(running?.worker.state).toBe('stopped');
  });

  it('retries a transient connection failure', async () => {
    let attempts = 0;
    const connect = () => {
      attempts += 1;
      return attempts < 3
        ? Promise.reject(new StrataError('SERVICE_UNAVAILABLE', 'no broker', { retryable: true }))
        : Promise.resolve(memoryPorts([]));
    };
    const { started } = run(connect);
    const running = await started;

    expect(attempts).toBe(3);
    expect(running?.worker.state).toBe('running');
    await running?.drain();
  });

  it('exits 1 when connecting fails for good', async () => {
    const { fake, started, lines } = run(() =>
      Promise.reject(new StrataError('INVALID_CONFIG', 'bad TLS file')),
    );

    expect(await started).toBeUndefined();
    expect(fake.exits).toEqual([1]);
    expect(
      lines.some((line) => line.level === 'fatal' && line.msg === 'worker failed to start'),
    ).toBe(true);
  });
});

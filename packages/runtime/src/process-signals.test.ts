import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { handleProcessSignals, signalExitCode } from './process-signals.ts';
import { createMemoryLogger } from './test-logger.ts';

class FakeProcess extends EventEmitter {
  readonly exits: number[] = [];

  exit(code: number): void {
    this.exits.push(code);
  }
}

function setup(drain: () => Promise<boolean>) {
  const fake = new FakeProcess();
  const timers: (() => void)[] = [];
  const { logger, lines } = createMemoryLogger();
  const remove = handleProcessSignals({
    logger,
    graceMs: 5000,
    drain,
    process: fake,
    setTimer: (callback) => timers.push(callback),
    clearTimer: () => {},
  });

  return { fake, timers, lines, remove };
}

function deferred() {
  let resolve: (value: boolean) => void = () => {};
  const promise = new Promise<boolean>((done) => {
    resolve = done;
  });

  return { promise, resolve };
}

describe('signalExitCode', () => {
  it('adds the signal number to 128', () => {
    expect(signalExitCode('SIGTERM')).toBe(143);
    expect(signalExitCode('SIGINT')).toBe(130);
  });
});

describe('handleProcessSignals', () => {
  it('drains on the first signal then exits 0', async () => {
    const { fake } = setup(() => Promise.resolve(true));
    fake.emit('SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));

    expect(fake.exits).toEqual([0]);
  });

  it('exits 1 when a drain step failed', async () => {
    const { fake } = setup(() => Promise.resolve(false));
    fake.emit('SIGINT');
    await new Promise((resolve) => setImmediate(resolve));

    expect(fake.exits).toEqual([1]);
  });

  it('exits at once on a second signal', () => {
    const pending = deferred();
    const { fake } = setup(() => pending.promise);
    fake.emit('SIGTERM');
    fake.emit('SIGINT');

    expect(fake.exits).toEqual([130]);
  });

  it('exits when the grace period ends first', () => {
    const pending = deferred();
    const { fake, timers } = setup(() => pending.promise);
    fake.emit('SIGTERM');
    timers[0]?.();

    expect(fake.exits).toEqual([143]);
  });

  it('drains only once', () => {
    let drains = 0;
    const { fake } = setup(() => {
      drains += 1;
      return Promise.resolve(true);
    });
    fake.emit('SIGTERM');
    fake.emit('SIGTERM');

    expect(drains).toBe(1);
  });

  it('logs uncaught errors at fatal and exits 1', () => {
    const { fake, lines } = setup(() => Promise.resolve(true));
    fake.emit('uncaughtException', new Error('boom'));

    expect(fake.exits).toEqual([1]);
    expect(lines.at(-1)).toMatchObject({ level: 'fatal', msg: 'uncaught error' });
  });

  it('removes its handlers', () => {
    const { fake, remove } = setup(() => Promise.resolve(true));
    remove();

    expect(fake.listenerCount('SIGTERM')).toBe(0);
    expect(fake.listenerCount('unhandledRejection')).toBe(0);
  });
});

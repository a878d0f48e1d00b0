import { describe, expect, it } from 'vitest';
import { closeOnce, runShutdownSteps } from './shutdown-steps.ts';
import { createMemoryLogger } from './test-logger.ts';

describe('runShutdownSteps', () => {
  it('runs every step in order despite a failure', async () => {
    const { logger, lines } = createMemoryLogger();
    const ran: string[] = [];
    const step = (name: string, fail = false) => ({
      name,
      run: () => {
        ran.push(name);
        return fail ? Promise.reject(new Error(`${name} broke`)) : Promise.resolve();
      },
    });
    const succeeded = await runShutdownSteps(
      [step('stop consumer'), step('commit', true), step('close store')],
      logger,
    );

    expect(succeeded).toBe(false);
    expect(ran).toEqual(['stop consumer', 'commit', 'close store']);
    expect(lines.map((line) => [line.level, line.step])).toEqual([
      ['info', 'stop consumer'],
      ['error', 'commit'],
      ['info', 'close store'],
    ]);
  });

  it('returns true when all steps succeed', async () => {
    const { logger } = createMemoryLogger();

    expect(await runShutdownSteps([{ name: 'noop', run: () => Promise.resolve() }], logger)).toBe(
      true,
    );
  });
});

describe('closeOnce', () => {
  it('closes once when called twice', async () => {
    let closes = 0;
    const close = closeOnce(() => {
      closes += 1;
      return Promise.resolve();
    });
    await Promise.all([close(), close()]);
    await close();

    expect(closes).toBe(1);
  });
});

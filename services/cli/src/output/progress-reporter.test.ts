import { describe, expect, it } from 'vitest';

import { formatDuration, ProgressReporter } from './progress-reporter.ts';

function reporter(tty: boolean, total?: number) {
  let now = 0;
  let text = '';
  const progress = new ProgressReporter({
    sink: { write: (chunk: string) => (text += chunk) },
    tty,
    clock: () => now,
    total,
    unit: 'analyses',
    lineIntervalMs: 1000,
  });

  return { progress, tick: (ms: number) => (now += ms), output: () => text };
}

describe('ProgressReporter', () => {
  it('writes plain lines with rate and ETA off a terminal', () => {
    const { progress, tick, output } = reporter(false, 100);
    tick(2000);
    progress.advance(20);

    expect(output()).toBe('20/100 analyses, 10.0/s, ETA 8s\n');
  });

  it('limits plain lines to one per interval', () => {
    const { progress, tick, output } = reporter(false, 100);
    tick(1000);
    progress.advance(1);
    tick(10);
    progress.advance(1);

    expect(output().split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('redraws a bar in place on a terminal', () => {
    const { progress, tick, output } = reporter(true, 10);
    tick(1000);
    progress.advance(5);

    expect(output()).toContain('\r');
    expect(output()).toContain('50%');
  });

  it('omits the ETA without a total', () => {
    const { progress, tick, output } = reporter(false);
    tick(1000);
    progress.advance(3);

    expect(output()).toBe('3 analyses, 3.0/s\n');
  });
});

describe('formatDuration', () => {
  it.each([
    [42, '42s'],
    [185, '3m05s'],
    [7620, '2h07m'],
  ])('formats %d seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

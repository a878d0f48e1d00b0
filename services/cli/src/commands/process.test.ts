import { officialImageEvents } from '@strata/datasets';
import { describe, expect, it } from 'vitest';

import { EXIT_STATUS } from '../exit-status.ts';
import { runProgram } from '../run-program.ts';
import { testIo } from '../test-io.ts';

async function run(args: string[], inputs: Record<string, string>) {
  const { io, output } = testIo(inputs);
  await runProgram(io, ['node', 'strata', ...args]);

  return output;
}

const events = officialImageEvents();
const ndjson = events.map((event) => JSON.stringify(event)).join('\n');

describe('strata process', () => {
  it('prints ancestry of every image sorted by digest', async () => {
    const output = await run(['process', 'events.ndjson'], { 'events.ndjson': `${ndjson}\n` });
    const records = output.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { topic: string; key: string });
    const ancestryKeys = records
      .filter((record) => record.topic === 'image.ancestry')
      .map((record) => record.key);

    expect(output.exitCode).toBe(EXIT_STATUS.ok);
    expect(output.stderr).toBe('');
    expect(ancestryKeys).toEqual(events.map((event) => event.image.digest).sort());
    expect(records.map((record) => record.key)).toEqual(records.map((record) => record.key).sort());
  });

  it('exits with failure when every line is rejected', async () => {
    const output = await run(['process', 'a'], { a: '{"schemaVersion": 1\nnot json\n' });

    expect(output.exitCode).toBe(EXIT_STATUS.failure);
    expect(output.stdout).toBe('');
    expect(output.stderr).toMatch(/^line 2: rejected: invalid JSON/m);
  });

  it('exits with usage for an unknown option', async () => {
    const output = await run(['process', '--no-such-option', 'a'], { a: ndjson });

    expect(output.exitCode).toBe(EXIT_STATUS.usage);
    expect(output.stderr).toContain('--no-such-option');
  });

  it('exits with usage without the file argument', async () => {
    const output = await run(['process'], {});

    expect(output.exitCode).toBe(EXIT_STATUS.usage);
    expect(output.stderr).toContain('file');
  });

  it('reports bad lines and processes the rest', async () => {
    const lines = ndjson.split('\n');
    lines.splice(2, 0, '{"schemaVersion": 1', JSON.stringify({ ...events[0], analyzedAt: 'soon' }));
    const output = await run(['process', '-'], { '-': `${lines.join('\r\n')}\r\n` });
    const records = output.stdout.trim().split('\n');

    expect(output.exitCode).toBe(EXIT_STATUS.partial);
    expect(output.stderr).toMatch(/^line 3: rejected: invalid JSON/m);
    expect(output.stderr).toMatch(/^line 4: rejected: .*analyzedAt.*"soon"/m);
    expect(records.filter((line) => line.includes('"image.ancestry"'))).toHaveLength(events.length);
  });

  it('reads input that starts with a byte order mark', async () => {
    const output = await run(['process', 'a'], { a: `\uFEFF${ndjson}\n` });

    expect(output.stderr).toBe('');
    expect(output.exitCode).toBe(EXIT_STATUS.ok);
  });

  it('rejects a line that is not UTF-8', async () => {
    const [first, ...rest] = ndjson.split('\n');
    const bad = Buffer.from(`${first?.replace('"tags":["', '"tags":["\u0000') ?? ''}\n`);
    bad[bad.indexOf(0)] = 0xff;
    const { io, output } = testIo({});
    io.openInput = async function* () {
      yield await Promise.resolve(bad);
      yield Buffer.from(rest.join('\n'));
    };
    await runProgram(io, ['node', 'strata', 'process', 'a']);
    const keys = output.stdout.split('\n').filter((line) => line.includes('"image.ancestry"'));

    expect(output.exitCode).toBe(EXIT_STATUS.partial);
    expect(output.stderr).toMatch(/^line 1: rejected: invalid UTF-8 at byte \d+ \(0xff\)$/m);
    expect(keys).toHaveLength(events.length - 1);
  });

  it('gives the same output in reverse order', async () => {
    const forward = await run(['process', 'a'], { a: ndjson });
    const reverse = await run(['process', 'b'], {
      b: [...ndjson.split('\n')].reverse().join('\n'),
    });

    expect(reverse.stdout).toBe(forward.stdout);
  });

  it('compares against a marked base', async () => {
    const output = await run(['process', 'a', '--mark-base', 'buildpack-deps:bullseye-curl'], {
      a: ndjson,
    });

    expect(output.stdout).toContain('"relation":"marked-base"');
  });

  it('takes repeated base marks before the file', async () => {
    const args = ['process', '--mark-base', 'debian:*', '--mark-base', 'alpine:*', 'a'];

    const output = await run(args, { a: ndjson });

    expect(output.exitCode).toBe(EXIT_STATUS.ok);
    expect(output.stdout).toContain('"relation":"marked-base"');
  });
});

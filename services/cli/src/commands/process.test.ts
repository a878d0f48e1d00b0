import { officialImageEvents } from '@strata/datasets';
import { describe, expect, it } from 'vitest';

import { EXIT_CODES } from '../command-io.ts';
import { buildProgram } from '../program.ts';
import { testIo } from '../test-io.ts';

async function run(args: string[], inputs: Record<string, string>) {
  const { io, output } = testIo(inputs);
  await buildProgram(io).parseAsync(['node', 'strata', ...args]);

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

    expect(output.exitCode).toBe(EXIT_CODES.ok);
    expect(output.stderr).toBe('');
    expect(ancestryKeys).toEqual(events.map((event) => event.image.digest).sort());
    expect(records.map((record) => record.key)).toEqual(records.map((record) => record.key).sort());
  });

  it('reports bad lines and processes the rest', async () => {
    const lines = ndjson.split('\n');
    lines.splice(2, 0, '{"schemaVersion": 1', JSON.stringify({ ...events[0], analyzedAt: 'soon' }));
    const output = await run(['process', '-'], { '-': `${lines.join('\r\n')}\r\n` });
    const records = output.stdout.trim().split('\n');

    expect(output.exitCode).toBe(EXIT_CODES.rejectedLines);
    expect(output.stderr).toMatch(/^line 3: rejected: invalid JSON/m);
    expect(output.stderr).toMatch(/^line 4: rejected: .*analyzedAt.*"soon"/m);
    expect(records.filter((line) => line.includes('"image.ancestry"'))).toHaveLength(events.length);
  });

  it('reads input that starts with a byte order mark', async () => {
    const output = await run(['process', 'a'], { a: `\uFEFF${ndjson}\n` });

    expect(output.stderr).toBe('');
    expect(output.exitCode).toBe(EXIT_CODES.ok);
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
    await buildProgram(io).parseAsync(['node', 'strata', 'process', 'a']);
    const keys = output.stdout.split('\n').filter((line) => line.includes('"image.ancestry"'));

    expect(output.exitCode).toBe(EXIT_CODES.rejectedLines);
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
});

import { LIMITS, StrataError } from '@strata/core';
import { describe, expect, it } from 'vitest';

import { readLines, readLinesOrErrors } from './read-lines.ts';

async function* stream(chunks: readonly (string | Uint8Array)[]) {
  for (const chunk of chunks) {
    yield await Promise.resolve(chunk);
  }
}

async function collect(chunks: string[]) {
  const lines: [number, string][] = [];
  for await (const line of readLines(stream(chunks))) lines.push([line.number, line.text]);

  return lines;
}

/** Returns each line as `[number, text]`, or `[number, 'rejected: message']` for an error. */
async function collectOrErrors(chunks: readonly (string | Uint8Array)[]) {
  const lines: [number, string][] = [];
  for await (const line of readLinesOrErrors(stream(chunks))) {
    lines.push([line.number, 'error' in line ? `rejected: ${line.error.message}` : line.text]);
  }

  return lines;
}

function bytes(...parts: (string | number[])[]): Uint8Array {
  return Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))),
  );
}

describe('readLines', () => {
  it('numbers lines across chunks', async () => {
    expect(await collect(['a\nb', 'c\r\n', '\nd'])).toEqual([
      [1, 'a'],
      [2, 'bc'],
      [3, ''],
      [4, 'd'],
    ]);
  });

  it('returns nothing for empty input', async () => {
    expect(await collect([''])).toEqual([]);
  });

  it('drops a byte order mark at the start', async () => {
    expect(await collect(['\uFEFF{"a":1}\n\uFEFFb'])).toEqual([
      [1, '{"a":1}'],
      [2, '\uFEFFb'],
    ]);
    expect(await collectOrErrors([bytes([0xef, 0xbb]), bytes([0xbf], 'x\r\ny')])).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
  });

  it('raises for a line that is too long', async () => {
    const long = 'x'.repeat(LIMITS.maxLineLength + 1);

    await expect(collect(['a\n', long, '\nb'])).rejects.toThrow(StrataError);
    await expect(collect(['a\n', long, '\nb'])).rejects.toThrow(/^line 2: longer than/);
  });
});

describe('readLinesOrErrors', () => {
  it('decodes UTF-8 split across chunks', async () => {
    const text = bytes('é😀\n');

    expect(
      await collectOrErrors([text.subarray(0, 1), text.subarray(1, 4), text.subarray(4)]),
    ).toEqual([[1, 'é😀']]);
  });

  it('rejects a line that is not UTF-8', async () => {
    const lines = await collectOrErrors([bytes('ok\n', 'x', [0xff, 0xfe], 'y\n', 'next')]);

    expect(lines).toEqual([
      [1, 'ok'],
      [2, 'rejected: invalid UTF-8 at byte 1 (0xff)'],
      [3, 'next'],
    ]);
  });

  it('rejects a line that is too long and reads on', async () => {
    const long = 'x'.repeat(LIMITS.maxLineLength + 1);
    const lines = await collectOrErrors(['a\n', long.slice(0, 10), long.slice(10), '\r\nb\n']);

    expect(lines).toHaveLength(3);
    expect(lines[0]).toEqual([1, 'a']);
    expect(lines[1]?.[1]).toMatch(/^rejected: longer than \d+ characters$/);
    expect(lines[2]).toEqual([3, 'b']);
  });

  it('reads a long line in linear time', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const chunks = Array.from({ length: 1000 }, () => chunk);
    const started = performance.now();
    const lines = await collectOrErrors([...chunks, '\n']);

    expect(lines[0]?.[1]).toHaveLength(chunk.length * chunks.length);
    // Rescanning the pending line for each of the 1000 chunks reads about 32 G characters, which
    // takes far longer than the bound; one pass reads 64 M.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

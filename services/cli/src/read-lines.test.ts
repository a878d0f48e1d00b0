import { describe, expect, it } from 'vitest';

import { readLines } from './read-lines.ts';

async function collect(chunks: string[]) {
  async function* stream() {
    for (const chunk of chunks) {
      yield await Promise.resolve(chunk);
    }
  }

  const lines: [number, string][] = [];
  for await (const line of readLines(stream())) lines.push([line.number, line.text]);

  return lines;
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
});

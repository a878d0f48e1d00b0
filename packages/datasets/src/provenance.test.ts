import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { DATA_DIR } from './paths.ts';

/** Reads `file | ... | sha256` rows of PROVENANCE.md: the first and last backquoted cells. */
function listedChecksums(): [string, string][] {
  const text = readFileSync(join(DATA_DIR, 'PROVENANCE.md'), 'utf8');
  const rows: [string, string][] = [];
  let section = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3).trim();
    const cells = line.split('|').map((cell) => cell.trim());
    const file = /^`([^`]+)`$/.exec(cells[1] ?? '')?.[1];
    const sha256 = /^`([0-9a-f]{64})`$/.exec(cells.at(-2) ?? '')?.[1];
    if (file !== undefined && sha256 !== undefined) {
      rows.push([
        file.includes('/') && file.startsWith(section) ? file : `${section}/${file}`,
        sha256,
      ]);
    }
  }

  return rows;
}

describe('bundled data', () => {
  it('matches every checksum in PROVENANCE.md', () => {
    const rows = listedChecksums();

    expect(rows).toHaveLength(16);
    for (const [file, sha256] of rows) {
      const actual = createHash('sha256')
        .update(readFileSync(join(DATA_DIR, file)))
        .digest('hex');
      expect(actual, file).toBe(sha256);
    }
  });
});

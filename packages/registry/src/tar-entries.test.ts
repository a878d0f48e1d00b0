import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { readTarEntries } from './tar-entries.ts';

const directory = mkdtempSync(join(tmpdir(), 'strata-tar-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Builds a tarball with GNU tar in the given format and returns its path. */
function buildTar(format: string): string {
  const root = join(directory, format);
  rmSync(root, { recursive: true, force: true });
  const longName = `${'deep/'.repeat(30)}file.json`;
  mkdirSync(join(root, 'deep/'.repeat(30)), { recursive: true });
  writeFileSync(join(root, 'small.json'), '{"a":1}');
  writeFileSync(join(root, 'big.bin'), Buffer.alloc(3 * 1024 * 1024 + 7, 7));
  writeFileSync(join(root, longName), '{"long":true}');
  mkdirSync(join(root, 'layer'), { recursive: true });
  symlinkSync('../small.json', join(root, 'layer/link.json'));
  const tarball = join(directory, `${format}.tar`);
  execFileSync('tar', ['--format', format, '-cf', tarball, '-C', root, '.']);

  return tarball;
}

describe('readTarEntries', () => {
  // ustar is left out: it cannot store the 155-character name this archive contains.
  it.each(['gnu', 'pax'])('reads files, long names and links of a %s archive', async (format) => {
    const entries = await readTarEntries(buildTar(format), (name) => name.endsWith('.json'));
    const longName = `${'deep/'.repeat(30)}file.json`;

    expect(entries.get('small.json')?.bytes?.toString()).toBe('{"a":1}');
    expect(entries.get(longName)?.bytes?.toString()).toBe('{"long":true}');
    expect(entries.get('big.bin')?.digest).toBe(sha256(Buffer.alloc(3 * 1024 * 1024 + 7, 7)));
    expect(entries.get('big.bin')?.bytes).toBeUndefined();
    expect(entries.get('layer/link.json')?.digest).toBe(sha256('{"a":1}'));
  });

  it('rejects a truncated archive', async () => {
    const tarball = buildTar('gnu');
    const truncated = join(directory, 'truncated.tar');
    writeFileSync(truncated, execFileSync('head', ['-c', '2000000', tarball], { maxBuffer: 8e6 }));

    await expect(readTarEntries(truncated, () => false)).rejects.toThrow('truncated');
  });
});

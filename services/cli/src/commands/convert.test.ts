import { analyzedEventSchema } from '@strata/core';
import { scannerOutputText } from '@strata/datasets';
import { describe, expect, it } from 'vitest';

import { EXIT_STATUS } from '../exit-status.ts';
import { runProgram } from '../run-program.ts';
import { testIo } from '../test-io.ts';

const DIGEST = `sha256:${'c'.repeat(64)}`;

async function run(args: string[], inputs: Record<string, string>) {
  const { io, output } = testIo(inputs);
  await runProgram(io, ['node', 'strata', ...args]);

  return output;
}

describe('strata convert', () => {
  it('prints one valid image.analyzed event', async () => {
    const report = scannerOutputText('trivy/distroless-base.json');
    const output = await run(['convert', '--from', 'trivy', '--digest', DIGEST, 'r.json'], {
      'r.json': report,
    });
    const event = analyzedEventSchema.parse(JSON.parse(output.stdout));

    expect(output.exitCode).toBe(EXIT_STATUS.ok);
    expect(output.stderr).toBe('');
    expect(output.stdout.trim().split('\n')).toHaveLength(1);
    expect(event.image.digest).toBe(DIGEST);
  });

  it('rejects an invalid --digest', async () => {
    const output = await run(['convert', '--from', 'trivy', '--digest', 'sha256:1', 'r.json'], {
      'r.json': '{}',
    });

    expect(output.exitCode).toBe(EXIT_STATUS.usage);
    expect(output.stderr).toContain('--digest: invalid digest "sha256:1"');
  });

  it('rejects an unknown format', async () => {
    const output = await run(['convert', '--from', 'clair', 'r.json'], {
      'r.json': '{}',
    });

    expect(output.exitCode).toBe(EXIT_STATUS.usage);
    expect(output.stderr).toContain('clair');
  });

  it('exits with usage without --from', async () => {
    const output = await run(['convert', 'r.json'], { 'r.json': '{}' });

    expect(output.exitCode).toBe(EXIT_STATUS.usage);
    expect(output.stderr).toContain('--from');
  });

  it('exits with failure for a report it cannot convert', async () => {
    const output = await run(['convert', '--from', 'trivy', 'r.json'], { 'r.json': '{}' });

    expect(output.exitCode).toBe(EXIT_STATUS.failure);
    expect(output.stderr).toMatch(/^strata: /);
  });
});

import { analyzedEventSchema } from '@strata/core';
import { scannerOutputText } from '@strata/datasets';
import { describe, expect, it } from 'vitest';

import { buildProgram } from '../program.ts';
import { testIo } from '../test-io.ts';

const DIGEST = `sha256:${'c'.repeat(64)}`;

async function run(args: string[], inputs: Record<string, string>) {
  const { io, output } = testIo(inputs);
  const error = await buildProgram(io)
    .parseAsync(['node', 'strata', ...args])
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );

  return { output, error };
}

describe('strata convert', () => {
  it('prints one valid image.analyzed event', async () => {
    const report = scannerOutputText('trivy/distroless-base.json');
    const { output, error } = await run(
      ['convert', '--from', 'trivy', '--digest', DIGEST, 'r.json'],
      {
        'r.json': report,
      },
    );
    const event = analyzedEventSchema.parse(JSON.parse(output.stdout));

    expect(error).toBeUndefined();
    expect(output.stdout.trim().split('\n')).toHaveLength(1);
    expect(event.image.digest).toBe(DIGEST);
  });

  it('rejects an invalid --digest', async () => {
    const { error } = await run(['convert', '--from', 'trivy', '--digest', 'sha256:1', 'r.json'], {
      'r.json': '{}',
    });

    expect(String(error)).toContain('--digest');
  });

  it('rejects an unknown format', async () => {
    const { error, output } = await run(['convert', '--from', 'clair', 'r.json'], {
      'r.json': '{}',
    });

    expect(error).toBeDefined();
    expect(output.stderr).toContain('clair');
  });
});

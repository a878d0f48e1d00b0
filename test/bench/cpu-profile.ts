import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { round } from './stats.ts';

/** The parts of a V8 `.cpuprofile` (as `node --cpu-prof` writes it) that the summary reads. */
const cpuProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({
        functionName: z.string(),
        url: z.string(),
        lineNumber: z.number(),
      }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

/** Self time of one function or module, as a share of the profiled time. */
export interface SelfTime {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  process: string;
  profiledMs: number;
  /** Share of time the process was idle, waiting for I/O (Kafka, MongoDB, Redis, S3). */
  idlePercent: number;
  byModule: SelfTime[];
  byFunction: SelfTime[];
}

/**
 * Summarises a V8 CPU profile by self time: each sample's time delta goes to the function it hit,
 * and to that function's module (an npm package, a workspace package, or a Node.js built-in).
 */
export function summarizeCpuProfile(process: string, path: string, top = 12): ProfileSummary {
  const profile = cpuProfileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, position) => {
    const deltaMs = (profile.timeDeltas[position] ?? 0) / 1000;
    const frame = frames.get(id);
    if (frame === undefined || deltaMs <= 0) return;
    total += deltaMs;
    const module = moduleOf(frame.url, frame.functionName);
    const name = `${frame.functionName || '(anonymous)'} (${module}:${frame.lineNumber + 1})`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + deltaMs);
    byModule.set(module, (byModule.get(module) ?? 0) + deltaMs);
  });

  return {
    process,
    profiledMs: round(total),
    idlePercent: round(((byModule.get('(idle)') ?? 0) / total) * 100),
    byModule: topEntries(byModule, total, top),
    byFunction: topEntries(byFunction, total, top),
  };
}

/** Names the module of a frame: `kafkajs`, `@strata/core`, `node:net`, `(garbage collector)`. */
export function moduleOf(url: string, functionName: string): string {
  if (url === '') {
    return functionName.startsWith('(') ? functionName : '(native)';
  }

  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pnpm?.[1] !== undefined) return pnpm[1];
  const workspace = /\/(packages|services)\/([^/]+)\//.exec(url);
  if (workspace?.[2] !== undefined) {
    return workspace[1] === 'packages' ? `@strata/${workspace[2]}` : workspace[2];
  }
  if (url.startsWith('node:')) return url.split('/')[0] ?? url;

  return url;
}

function topEntries(totals: ReadonlyMap<string, number>, total: number, top: number): SelfTime[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => ({ name, ms: round(ms), percent: round((ms / total) * 100) }));
}

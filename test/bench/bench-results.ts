import type { BenchScale } from './bench-scales.ts';
import type { LookupSizeResult } from './lookup-bench.ts';
import type { NaiveBenchResult } from './naive-bench.ts';
import type { PipelineResult } from './pipeline-bench.ts';

/** Everything one benchmark run measured, as written to `results.json`. */
export interface BenchResults {
  scale: BenchScale;
  /** The measured source: HEAD commit when the run started, marked when tracked files changed. */
  source?: string;
  startedAt: string;
  finishedAt: string;
  /** `os.loadavg()` (1, 5 and 15 minutes) when the run started and when it ended. */
  loadAverage: { start: number[]; end: number[] };
  machine: { cpu: string; memoryGiB: number; kernel: string; node: string };
  redis?: { version: string; dedicated: boolean; config: Record<string, string> };
  /** The MongoDB-wire server of the naive and pipeline phases. */
  mongodb?: { server: string; dedicated: boolean };
  lookup?: LookupSizeResult[];
  naive?: NaiveBenchResult;
  pipeline?: PipelineResult;
  /** Set when the naive figures come from another run than the lookup figures. */
  naiveRun?: RunInfo;
  /** Set when the pipeline figures come from another run than the others. */
  pipelineRun?: RunInfo;
}

/** When and on what a run measured. */
export interface RunInfo {
  source: string;
  startedAt: string;
  finishedAt: string;
  loadAverage: { start: number[]; end: number[] };
}

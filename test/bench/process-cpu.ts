import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROOT } from './bench-process.ts';
import { round } from './stats.ts';

/** A process whose CPU time the benchmark reads from /proc, by name. */
export interface WatchedProcess {
  name: string;
  pid: number;
}

/** CPU seconds (user + system) each process used between two readings. */
export type CpuSeconds = Record<string, number>;

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/**
 * Lists the pids of the local servers that `infra/local/services.sh status` reports as ready,
 * or none when the services came from the environment or containers.
 */
export function localServicePids(): WatchedProcess[] {
  let output: string;
  try {
    output = execFileSync('bash', ['infra/local/services.sh', 'status'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return [];
  }

  return output.split('\n').flatMap((line) => {
    const match = /^(\w+)\s+ready\s+pid (\d+)/.exec(line);
    return match?.[1] === undefined ? [] : [{ name: match[1], pid: Number(match[2]) }];
  });
}

/** Reads the CPU seconds each process has used so far; a process that is gone reads as 0. */
export function readCpuSeconds(processes: readonly WatchedProcess[]): CpuSeconds {
  const readings: CpuSeconds = {};
  for (const { name, pid } of processes) {
    readings[name] = cpuSecondsOf(pid);
  }

  return readings;
}

/** Returns the CPU seconds used between two readings, per process. */
export function cpuSecondsBetween(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  return Object.fromEntries(
    Object.entries(after).map(([name, seconds]) => [name, round(seconds - (before[name] ?? 0))]),
  );
}

function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

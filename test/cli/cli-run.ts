import { runProgram, type CliServices, type CommandIo } from '@strata/cli';

/** Output and exit code of one `strata` run in this process. */
export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Overrides of the services a test gives one run; the rest comes from `base`. */
export type ServiceOverrides = Partial<Omit<CliServices, 'io'>>;

/**
 * Runs `strata ARGS` in this process with captured streams and the given services, as
 * `main.ts` does, and returns what it printed and its exit code.
 */
export async function runCli(
  base: Omit<CliServices, 'io'>,
  args: readonly string[],
  overrides: ServiceOverrides = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const io: CommandIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    openInput: async function* (path: string) {
      const { createReadStream } = await import('node:fs');
      yield* createReadStream(path, 'utf8') as AsyncIterable<string>;
    },
    readInput: async (path: string) => (await import('node:fs/promises')).readFile(path, 'utf8'),
    setExitCode: (code: number) => {
      exitCode = code;
    },
  };
  await runProgram(io, ['node', 'strata', ...args], { ...base, ...overrides, io });

  return { stdout, stderr, exitCode };
}

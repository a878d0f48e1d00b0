import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

import { CommanderError } from 'commander';

import { EXIT_CODES, type CommandIo } from './command-io.ts';
import { buildProgram } from './program.ts';

const io: CommandIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  openInput: (path) => createReadStream(path === '-' ? '/dev/stdin' : path),
  readInput: (path) => readFile(path === '-' ? '/dev/stdin' : path, 'utf8'),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

try {
  await buildProgram(io).parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.failure;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`strata: ${message}\n`);
    process.exitCode = EXIT_CODES.failure;
  }
}

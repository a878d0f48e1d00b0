import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

import type { CommandIo } from './command-io.ts';
import { runProgram } from './run-program.ts';

const io: CommandIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  openInput: (path) => createReadStream(path === '-' ? '/dev/stdin' : path),
  readInput: (path) => readFile(path === '-' ? '/dev/stdin' : path, 'utf8'),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

await runProgram(io, process.argv);

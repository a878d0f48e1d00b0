import type { CommandIo } from './command-io.ts';
import { EXIT_STATUS } from './exit-status.ts';

/** An in-memory `CommandIo` whose inputs are given by path and whose output is captured. */
export function testIo(inputs: Record<string, string>) {
  const output = { stdout: '', stderr: '', exitCode: EXIT_STATUS.ok as number };
  const read = (path: string) => {
    const text = inputs[path];
    if (text === undefined) throw new Error(`no test input ${path}`);

    return text;
  };
  const io: CommandIo = {
    stdout: { write: (text: string) => (output.stdout += text) },
    stderr: { write: (text: string) => (output.stderr += text) },
    openInput: async function* (path) {
      const text = read(path);
      for (let start = 0; start < text.length; start += 7) {
        yield await Promise.resolve(text.slice(start, start + 7));
      }
    },
    readInput: (path) => Promise.resolve(read(path)),
    setExitCode: (code) => {
      output.exitCode = code;
    },
  };

  return { io, output };
}

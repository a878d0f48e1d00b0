import { createLogger } from './create-logger.ts';
import type { Logger } from './create-logger.ts';

/** Creates a logger that keeps its lines in memory, for tests that assert on what was logged. */
export function createMemoryLogger(level = 'trace'): {
  logger: Logger;
  lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  const destination = {
    write: (line: string) => {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };

  return { lines, logger: createLogger({ service: 'test', level, destination }) };
}

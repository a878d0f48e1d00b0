import { LIMITS, StrataError } from '@strata/core';

/** One line of a text stream, numbered from 1, without its line ending. */
export interface NumberedLine {
  number: number;
  text: string;
}

/**
 * Splits a stream of text chunks into numbered lines (LF or CRLF endings). Raises `LIMIT_EXCEEDED`
 * when a line grows over `LIMITS.maxLineLength` characters, so one huge line cannot exhaust
 * memory.
 */
export async function* readLines(chunks: AsyncIterable<string>): AsyncGenerator<NumberedLine> {
  let pending = '';
  let number = 0;
  for await (const chunk of chunks) {
    pending += chunk;
    let end = pending.indexOf('\n');
    while (end !== -1) {
      number += 1;
      yield { number, text: stripCarriageReturn(pending.slice(0, end)) };
      pending = pending.slice(end + 1);
      end = pending.indexOf('\n');
    }

    if (pending.length > LIMITS.maxLineLength) {
      throw new StrataError(
        'LIMIT_EXCEEDED',
        `line ${number + 1}: longer than ${LIMITS.maxLineLength} characters`,
        {
          details: { line: number + 1 },
        },
      );
    }
  }

  if (pending !== '') {
    yield { number: number + 1, text: stripCarriageReturn(pending) };
  }
}

function stripCarriageReturn(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

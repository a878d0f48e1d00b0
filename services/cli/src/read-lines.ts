import { isUtf8 } from 'node:buffer';

import { LIMITS, StrataError } from '@strata/core';

/** One line of a text stream, numbered from 1, without its line ending. */
export interface NumberedLine {
  number: number;
  text: string;
}

/** A line that could not be read: longer than `LIMITS.maxLineLength`, or not UTF-8. */
export interface RejectedLine {
  number: number;
  error: StrataError;
}

type Chunk = string | Uint8Array;

const BYTE_ORDER_MARK = '\uFEFF';
const NEWLINE = 0x0a;

/**
 * Splits a stream of text or byte chunks into numbered lines (LF or CRLF endings) and decodes
 * byte chunks as UTF-8. A byte order mark at the start of the stream is dropped. Raises
 * `LIMIT_EXCEEDED` for a line over `LIMITS.maxLineLength` and `INVALID_EVENT` for a line that is
 * not UTF-8; {@link readLinesOrErrors} yields those lines instead, so that a caller can go on.
 */
export async function* readLines(chunks: AsyncIterable<Chunk>): AsyncGenerator<NumberedLine> {
  for await (const line of readLinesOrErrors(chunks)) {
    if ('error' in line) {
      const { code, message, details } = line.error;
      throw new StrataError(code, `line ${line.number}: ${message}`, {
        cause: line.error,
        details,
      });
    }

    yield line;
  }
}

/**
 * Splits a stream into numbered lines as {@link readLines} does, but yields a line that is too
 * long or not UTF-8 as a {@link RejectedLine} and reads on. A line over the limit is dropped as it
 * arrives, so one huge line cannot exhaust memory. Each chunk is scanned once.
 */
export async function* readLinesOrErrors(
  chunks: AsyncIterable<Chunk>,
): AsyncGenerator<NumberedLine | RejectedLine> {
  let pending: Chunk[] = [];
  let pendingLength = 0;
  let tooLong = false;
  let number = 0;
  for await (const chunk of chunks) {
    let start = 0;
    let end = newlineIndex(chunk, start);
    while (end !== -1) {
      number += 1;
      pending.push(chunk.slice(start, end));
      tooLong ||= pendingLength + end - start > LIMITS.maxLineLength;
      yield tooLong ? tooLongLine(number, chunk) : decodeLine(number, pending);
      pending = [];
      pendingLength = 0;
      tooLong = false;
      start = end + 1;
      end = newlineIndex(chunk, start);
    }

    const rest = chunk.slice(start);
    pendingLength += rest.length;
    if (pendingLength > LIMITS.maxLineLength) {
      tooLong = true;
      pending = [rest.slice(0, 0)];
    } else if (rest.length > 0) {
      pending.push(rest);
    }
  }

  if (tooLong) {
    yield tooLongLine(number + 1, pending[0] ?? '');
  } else if (pending.some((part) => part.length > 0)) {
    yield decodeLine(number + 1, pending);
  }
}

function newlineIndex(chunk: Chunk, start: number): number {
  return typeof chunk === 'string' ? chunk.indexOf('\n', start) : chunk.indexOf(NEWLINE, start);
}

function decodeLine(number: number, parts: readonly Chunk[]): NumberedLine | RejectedLine {
  let text: string;
  if (parts.every((part) => typeof part === 'string')) {
    text = parts.join('');
  } else {
    const bytes = Buffer.concat(parts.map((part) => Buffer.from(part)));
    if (!isUtf8(bytes)) {
      return { number, error: invalidUtf8(number, bytes) };
    }

    text = bytes.toString('utf8');
  }

  if (number === 1 && text.startsWith(BYTE_ORDER_MARK)) {
    text = text.slice(BYTE_ORDER_MARK.length);
  }

  return { number, text: text.endsWith('\r') ? text.slice(0, -1) : text };
}

/** Builds the error of a line over the limit, in bytes or characters as `sample` is. */
function tooLongLine(number: number, sample: Chunk): RejectedLine {
  const unit = typeof sample === 'string' ? 'characters' : 'bytes';
  const message = `longer than ${LIMITS.maxLineLength} ${unit}`;

  return {
    number,
    error: new StrataError('LIMIT_EXCEEDED', message, { details: { line: number } }),
  };
}

function invalidUtf8(number: number, bytes: Buffer): StrataError {
  const offset = firstInvalidByte(bytes);
  const value = `0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')}`;
  const message = `invalid UTF-8 at byte ${offset} (${value})`;

  return new StrataError('INVALID_EVENT', message, { details: { line: number, offset, value } });
}

/** Returns the offset of the first byte that starts no valid UTF-8 sequence. */
function firstInvalidByte(bytes: Buffer): number {
  let offset = 0;
  while (offset < bytes.length) {
    const length = sequenceLength(bytes[offset] ?? 0xff);
    if (length === 0 || !isUtf8(bytes.subarray(offset, offset + length))) {
      return offset;
    }

    offset += length;
  }

  return offset;
}

/** Returns the length of the UTF-8 sequence a lead byte starts, or 0 for no valid lead byte. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;

  return 0;
}

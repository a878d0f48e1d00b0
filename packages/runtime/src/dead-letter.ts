import type { BusMessage, ConsumedMessage } from '@strata/core';

/** Name of the dead-letter topic of `topic`. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Header names a dead letter carries besides the original record's headers. */
export const DEAD_LETTER_HEADERS = {
  sourceTopic: 'strata-dlq-source-topic',
  sourcePartition: 'strata-dlq-source-partition',
  sourceOffset: 'strata-dlq-source-offset',
  sourceTimestamp: 'strata-dlq-source-timestamp',
  reasonCode: 'strata-dlq-reason-code',
  reasonMessage: 'strata-dlq-reason-message',
  deadLetteredAt: 'strata-dlq-time',
} as const;

/** Maximum length of the reason message kept in a header, in characters. */
const MAX_REASON_LENGTH = 2000;

export interface DeadLetterReason {
  /** A code from the closed list of `@strata/core` errors, such as `INVALID_EVENT`. */
  code: string;
  message: string;
}

/**
 * Builds the dead letter of a consumed record: the original key and value bytes unchanged, the
 * original headers, plus headers naming the source position, the reason and the time. Keeping
 * the value untouched lets an operator re-publish it as is once the cause is fixed.
 */
export function createDeadLetter(
  message: ConsumedMessage,
  reason: DeadLetterReason,
  now: Date,
): BusMessage {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DEAD_LETTER_HEADERS.sourceTopic]: message.topic,
      [DEAD_LETTER_HEADERS.sourcePartition]: String(message.partition),
      [DEAD_LETTER_HEADERS.sourceOffset]: message.offset,
      [DEAD_LETTER_HEADERS.sourceTimestamp]: new Date(message.timestamp).toISOString(),
      [DEAD_LETTER_HEADERS.reasonCode]: reason.code,
      [DEAD_LETTER_HEADERS.reasonMessage]: reason.message.slice(0, MAX_REASON_LENGTH),
      [DEAD_LETTER_HEADERS.deadLetteredAt]: now.toISOString(),
    },
  };
}

/** Source position and reason of a dead letter, read back from its headers. */
export interface DeadLetterInfo {
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  reasonCode: string;
  reasonMessage: string;
  deadLetteredAt: string;
  /** The original record's headers, without the dead-letter ones. */
  originalHeaders: Record<string, string>;
}

/** Reads the dead-letter headers of a record; returns null when it is not a dead letter. */
export function readDeadLetter(message: BusMessage): DeadLetterInfo | null {
  const headers = message.headers;
  const names = Object.values(DEAD_LETTER_HEADERS) as string[];
  if (names.some((name) => headers[name] === undefined)) {
    return null;
  }

  const originalHeaders = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !names.includes(name)),
  );

  return {
    sourceTopic: headers[DEAD_LETTER_HEADERS.sourceTopic] ?? '',
    sourcePartition: Number(headers[DEAD_LETTER_HEADERS.sourcePartition]),
    sourceOffset: headers[DEAD_LETTER_HEADERS.sourceOffset] ?? '',
    reasonCode: headers[DEAD_LETTER_HEADERS.reasonCode] ?? '',
    reasonMessage: headers[DEAD_LETTER_HEADERS.reasonMessage] ?? '',
    deadLetteredAt: headers[DEAD_LETTER_HEADERS.deadLetteredAt] ?? '',
    originalHeaders,
  };
}

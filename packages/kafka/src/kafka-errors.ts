import { StrataError } from '@strata/core';

/** kafkajs error names that mean the cluster is unreachable, busy or moving leaders. */
const UNAVAILABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
]);

/**
 * Protocol error types that kafkajs 2.2.4 marks non-retriable but that pass once the group
 * settles: the consumer group is rebalancing.
 */
const UNAVAILABLE_TYPES = new Set(['REBALANCE_IN_PROGRESS']);

interface KafkaJsErrorShape {
  name?: unknown;
  retriable?: unknown;
  type?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

/**
 * Tells whether a kafkajs error means "try again later": a connection or timeout failure, or a
 * protocol error the broker marks retriable (not leader, rebalancing, coordinator moving).
 */
export function isUnavailableError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) {
    return false;
  }

  const shape = error as KafkaJsErrorShape;
  if (shape.retriable === true) {
    return true;
  }
  if (typeof shape.name === 'string' && UNAVAILABLE_NAMES.has(shape.name)) {
    return true;
  }
  if (typeof shape.type === 'string' && UNAVAILABLE_TYPES.has(shape.type)) {
    return true;
  }

  return (
    isUnavailableError(shape.cause, depth + 1) || isUnavailableError(shape.originalError, depth + 1)
  );
}

/**
 * Wraps a kafkajs error into a StrataError: SERVICE_UNAVAILABLE (retryable) when the cluster is
 * unreachable or busy, INTERNAL otherwise. StrataErrors pass through unchanged.
 */
export function toStrataError(
  error: unknown,
  operation: string,
  brokers: readonly string[],
  details: Record<string, unknown> = {},
): StrataError {
  if (error instanceof StrataError) {
    return error;
  }

  const reason = error instanceof Error ? error.message : String(error);
  const address = brokers.join(',');
  const allDetails = { ...details, operation, brokers: address };
  if (isUnavailableError(error)) {
    const message = `Kafka at ${address} is unavailable during ${operation}: ${reason}; check that it runs and that KAFKA_BROKERS points at it`;
    return new StrataError('SERVICE_UNAVAILABLE', message, {
      retryable: true,
      cause: error,
      details: allDetails,
    });
  }

  return new StrataError('INTERNAL', `Kafka ${operation} failed at ${address}: ${reason}`, {
    cause: error,
    details: allDetails,
  });
}

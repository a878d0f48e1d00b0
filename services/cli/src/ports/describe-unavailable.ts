import { StrataError } from '@strata/core';

import type { Environment } from '../cli-services.ts';

/**
 * Runs a Kafka operation and turns an error the adapter did not wrap into `SERVICE_UNAVAILABLE`
 * naming the brokers and the variable that sets them.
 */
export async function describeUnavailable<T>(
  env: Environment,
  operation: () => Promise<T>,
): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    // The Kafka adapter's own errors already name the brokers and the variable.
    if (error instanceof StrataError) throw error;

    const brokers = env.KAFKA_BROKERS ?? '(unset)';
    const reason = error instanceof Error ? error.message : String(error);
    throw new StrataError(
      'SERVICE_UNAVAILABLE',
      `Kafka at ${brokers} is unreachable (${reason}); check KAFKA_BROKERS and that the brokers run`,
      { cause: error, retryable: true, details: { brokers } },
    );
  }
}

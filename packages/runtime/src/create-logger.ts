import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { MASK, maskUrlPasswords } from './mask-credentials.ts';

export type { DestinationStream, Logger } from 'pino';

export interface LoggerOptions {
  /** Service name, logged as `service` on every line. */
  service: string;
  /** Minimum level. Default `info`. */
  level?: string;
  /** Destination of the lines. Default stdout, written synchronously so fatal lines are not lost. */
  destination?: DestinationStream;
}

/**
 * Field paths masked on every line, one and two levels deep, so a config or client options
 * object logged by mistake does not leak credentials.
 */
const REDACTED_PATHS = [
  'password',
  'secretAccessKey',
  'sessionToken',
  'authorization',
  '*.password',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.authorization',
  '*.KAFKA_SASL_PASSWORD',
  '*.S3_SECRET_ACCESS_KEY',
  '*.*.password',
];

interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  [field: string]: unknown;
}

/** Serializes errors with pino's standard serializer, then removes URL passwords from the text. */
function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) {
    return error;
  }

  const serialized = pino.stdSerializers.err(error) as SerializedError;
  serialized.message = maskUrlPasswords(serialized.message);
  if (serialized.stack !== undefined) {
    serialized.stack = maskUrlPasswords(serialized.stack);
  }

  return serialized;
}

/**
 * Creates the process logger: JSON lines with `service`, level names instead of numbers,
 * credentials redacted and errors under `err`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });

  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: MASK },
      serializers: { err: serializeError, error: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

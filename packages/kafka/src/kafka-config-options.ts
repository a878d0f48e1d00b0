import { readFileSync } from 'node:fs';

import type { Logger } from 'pino';

import type { KafkaConnectionOptions } from './kafka-client.ts';

/** The `KAFKA_*` variables of the workers and the CLI, as their config schemas parse them. */
export interface KafkaVariables {
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID: string;
  KAFKA_CONNECTION_TIMEOUT_MS: number;
  KAFKA_REQUEST_TIMEOUT_MS: number;
  KAFKA_TLS: boolean;
  KAFKA_TLS_CA_FILE?: string | undefined;
  KAFKA_TLS_CERT_FILE?: string | undefined;
  KAFKA_TLS_KEY_FILE?: string | undefined;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
}

function readFile(path: string | undefined): string | undefined {
  return path === undefined ? undefined : readFileSync(path, 'utf8');
}

/**
 * Builds the client options of the `KAFKA_*` variables, reading the TLS files they name. Raises
 * the file system's error when a named file cannot be read.
 */
export function kafkaOptionsFromVariables(
  config: KafkaVariables,
  logger: Logger,
): KafkaConnectionOptions {
  const options: KafkaConnectionOptions = {
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID,
    connectionTimeoutMs: config.KAFKA_CONNECTION_TIMEOUT_MS,
    requestTimeoutMs: config.KAFKA_REQUEST_TIMEOUT_MS,
    logger: logger.child({ component: 'kafkajs' }),
  };
  if (config.KAFKA_TLS) {
    const ca = readFile(config.KAFKA_TLS_CA_FILE);
    options.tls = {
      ...(ca === undefined ? {} : { ca: [ca] }),
      cert: readFile(config.KAFKA_TLS_CERT_FILE),
      key: readFile(config.KAFKA_TLS_KEY_FILE),
    };
  }
  if (config.KAFKA_SASL_MECHANISM !== undefined) {
    options.sasl = {
      mechanism: config.KAFKA_SASL_MECHANISM,
      username: config.KAFKA_SASL_USERNAME ?? '',
      password: config.KAFKA_SASL_PASSWORD ?? '',
    };
  }

  return options;
}

import { Kafka, logLevel } from 'kafkajs';
import type { KafkaConfig, LogEntry, SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaTlsOptions {
  /** PEM certificates of the authorities to trust; the system's when absent. */
  ca?: string[];
  /** PEM client certificate and key, for mutual TLS. */
  cert?: string;
  key?: string;
  /** Default true. False accepts any server certificate, for test setups only. */
  rejectUnauthorized?: boolean;
}

export interface KafkaSaslOptions {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface KafkaConnectionOptions {
  /** Bootstrap brokers as `host:port`, as in KAFKA_BROKERS. */
  brokers: string[];
  /** Client id shown in broker logs and quotas. Default `strata`. */
  clientId?: string;
  tls?: KafkaTlsOptions;
  sasl?: KafkaSaslOptions;
  /** Time to open a broker connection. Default 10000 ms. */
  connectionTimeoutMs?: number;
  /** Time to wait for a broker response. Default 30000 ms. */
  requestTimeoutMs?: number;
  /** Retries of a failed request, with exponential backoff. Default 8. */
  retries?: number;
  /** First backoff delay. Default 300 ms. */
  initialRetryTimeMs?: number;
  /** Max backoff delay. Default 30000 ms. */
  maxRetryTimeMs?: number;
  /** Receives kafkajs's own logs, at the mapped levels. */
  logger: Logger;
}

/** Creates a kafkajs client from connection options; it connects only when used. */
export function createKafka(options: KafkaConnectionOptions): Kafka {
  const config: KafkaConfig = {
    brokers: options.brokers,
    clientId: options.clientId ?? 'strata',
    connectionTimeout: options.connectionTimeoutMs ?? 10_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: {
      retries: options.retries ?? 8,
      initialRetryTime: options.initialRetryTimeMs ?? 300,
      maxRetryTime: options.maxRetryTimeMs ?? 30_000,
    },
    logLevel: kafkaLogLevel(options.logger.level),
    logCreator: () => (entry) => logKafkaEntry(options.logger, entry),
  };
  if (options.tls !== undefined) {
    config.ssl = { ...options.tls, rejectUnauthorized: options.tls.rejectUnauthorized ?? true };
  }
  if (options.sasl !== undefined) {
    config.sasl = options.sasl as SASLOptions;
  }

  return new Kafka(config);
}

/** Maps a pino level to the kafkajs level that lets the same entries through. */
function kafkaLogLevel(level: string): logLevel {
  switch (level) {
    case 'silent':
      return logLevel.NOTHING;
    case 'fatal':
    case 'error':
      return logLevel.ERROR;
    case 'warn':
      return logLevel.WARN;
    case 'info':
      return logLevel.INFO;
    default:
      return logLevel.DEBUG;
  }
}

function logKafkaEntry(logger: Logger, entry: LogEntry): void {
  const fields: Record<string, unknown> = { ...entry.log };
  delete fields.message;
  delete fields.timestamp;
  delete fields.logger;
  const message = entry.log.message;
  const context = { kafkajs: entry.namespace, ...fields };
  switch (entry.level) {
    case logLevel.ERROR:
      logger.error(context, message);
      break;
    case logLevel.WARN:
      logger.warn(context, message);
      break;
    case logLevel.INFO:
      logger.info(context, message);
      break;
    default:
      logger.debug(context, message);
  }
}

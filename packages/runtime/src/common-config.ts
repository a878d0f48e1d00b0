import { z } from 'zod';
import { allOrNone, exactlyOneOf, requiresFlag, requiresWhenSet } from './config-rules.ts';
import { envBoolean, envInteger, envList, envUrl, hostPort } from './env-types.ts';

/** Log levels pino accepts, plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Process-level variables of every worker: logging, the HTTP server and shutdown. */
export const processConfigShape = {
  /** Minimum log level. Default `info`. */
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Address of the health and metrics server. Default `127.0.0.1`; containers set `0.0.0.0`. */
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  /** Port of the health and metrics server; 0 picks a free port. Default 9464. */
  HTTP_PORT: envInteger(0, 65_535).default(9464),
  /** Time the first SIGTERM/SIGINT leaves for draining before the process exits. Default 30 s. */
  SHUTDOWN_GRACE_MS: envInteger(0, 3_600_000).default(30_000),
};

/** Kafka connection variables. */
export const kafkaConfigShape = {
  /** Bootstrap brokers, `host:port` separated by commas. */
  KAFKA_BROKERS: envList().pipe(z.array(hostPort)),
  /** Client id sent to the brokers. Default `strata`. */
  KAFKA_CLIENT_ID: z.string().min(1).default('strata'),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** Connect with TLS. Default false. */
  KAFKA_TLS: envBoolean().default(false),
  /** PEM file of the CA that signed the brokers' certificates; system CAs when unset. */
  KAFKA_TLS_CA_FILE: z.string().min(1).optional(),
  /** PEM client certificate and key for mutual TLS. */
  KAFKA_TLS_CERT_FILE: z.string().min(1).optional(),
  KAFKA_TLS_KEY_FILE: z.string().min(1).optional(),
  /** Time to establish a broker connection. Default 10 s. */
  KAFKA_CONNECTION_TIMEOUT_MS: envInteger(100, 600_000).default(10_000),
  /** Time a broker request may take. Default 30 s. */
  KAFKA_REQUEST_TIMEOUT_MS: envInteger(100, 600_000).default(30_000),
};

/** MongoDB (or a wire-compatible database such as FerretDB) connection variables. */
export const mongodbConfigShape = {
  /** Connection string, `mongodb://` or `mongodb+srv://`; its password is masked in logs. */
  MONGODB_URI: envUrl(['mongodb', 'mongodb+srv']),
  /** Database name. Default `strata`. */
  MONGODB_DATABASE: z
    .string()
    .regex(/^[^/\\. "$]{1,63}$/, 'must be a MongoDB database name')
    .default('strata'),
};

/** Redis connection variables: one server by URL, or a cluster by its nodes. */
export const redisConfigShape = {
  /** `redis://` or `rediss://` URL of a single server. */
  REDIS_URL: envUrl(['redis', 'rediss']).optional(),
  /** Redis Cluster seed nodes, `host:port` separated by commas. */
  REDIS_CLUSTER_NODES: envList().pipe(z.array(hostPort)).optional(),
  /** Prefix of every key Strata writes. Default `strata:`. */
  REDIS_KEY_PREFIX: z.string().max(200).default('strata:'),
};

/** S3 connection variables. Credentials are always explicit: no instance metadata lookup. */
export const s3ConfigShape = {
  /** Endpoint URL of an S3-compatible server; the AWS endpoint of the region when unset. */
  S3_ENDPOINT: envUrl(['http', 'https']).optional(),
  S3_REGION: z.string().min(1),
  S3_ACCESS_KEY_ID: z.string().min(1),
  S3_SECRET_ACCESS_KEY: z.string().min(1),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
  /** Address buckets as `endpoint/bucket` instead of `bucket.endpoint`. Default true. */
  S3_FORCE_PATH_STYLE: envBoolean().default(true),
};

/** Every variable a worker connected to Kafka, MongoDB, Redis and S3 reads. */
export const workerConfigShape = {
  ...processConfigShape,
  ...kafkaConfigShape,
  ...mongodbConfigShape,
  ...redisConfigShape,
  ...s3ConfigShape,
};

/** Cross-variable rules of `workerConfigShape`. */
export const workerConfigRules = [
  ...requiresWhenSet('KAFKA_SASL_MECHANISM', ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD']),
  ...requiresWhenSet('KAFKA_SASL_USERNAME', ['KAFKA_SASL_MECHANISM']),
  ...allOrNone(['KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE']),
  requiresFlag('KAFKA_TLS_CA_FILE', 'KAFKA_TLS'),
  requiresFlag('KAFKA_TLS_CERT_FILE', 'KAFKA_TLS'),
  exactlyOneOf(['REDIS_URL', 'REDIS_CLUSTER_NODES']),
];

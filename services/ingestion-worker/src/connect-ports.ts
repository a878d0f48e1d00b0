import { readFileSync } from 'node:fs';
import { createKafka, KafkaEventBus } from '@strata/kafka';
import type { KafkaConnectionOptions } from '@strata/kafka';
import { connectMongo, createImageStore } from '@strata/mongodb';
import { connectRedis, RedisChainIndex } from '@strata/redis';
import { runShutdownSteps } from '@strata/runtime';
import type { Logger, ShutdownStep } from '@strata/runtime';
import { S3ObjectStore } from '@strata/s3';
import type { IngestionConfig } from './ingestion-config.ts';
import type { ConnectedPorts } from './ingestion-process.ts';

function readFile(path: string | undefined): string | undefined {
  return path === undefined ? undefined : readFileSync(path, 'utf8');
}

function kafkaOptions(config: IngestionConfig, logger: Logger): KafkaConnectionOptions {
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

function objectStore(config: IngestionConfig): S3ObjectStore {
  return new S3ObjectStore({
    // Without S3_ENDPOINT, the regional AWS endpoint, named explicitly.
    endpoint: config.S3_ENDPOINT ?? `https://s3.${config.S3_REGION}.amazonaws.com`,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    bucket: config.S3_BUCKET,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  });
}

/**
 * Connects the real adapters the config names: MongoDB (indexes created, writes serialized on
 * FerretDB), Redis (the chain index under `REDIS_KEY_PREFIX`), S3 (the bucket created when
 * missing) and Kafka. Returns them with the steps that close them, producer first. When one
 * fails, the clients connected before it are closed again.
 */
export async function connectPorts(
  config: IngestionConfig,
  logger: Logger,
): Promise<ConnectedPorts> {
  const opened: ShutdownStep[] = [];
  try {
    const mongo = await connectMongo({
      uri: config.MONGODB_URI,
      appName: 'strata-ingestion-worker',
    });
    opened.unshift({ name: 'close mongodb client', run: () => mongo.close() });
    const store = await createImageStore({ client: mongo, database: config.MONGODB_DATABASE });
    await store.ensureIndexes();
    const { client: redis, address } = await connectRedis({
      url: config.REDIS_URL,
      clusterNodes: config.REDIS_CLUSTER_NODES,
    });
    opened.unshift({ name: 'close redis client', run: () => redis.quit().then(() => undefined) });
    const index = new RedisChainIndex({ client: redis, prefix: config.REDIS_KEY_PREFIX, address });
    const objects = objectStore(config);
    opened.unshift({ name: 'close object store', run: () => objects.close() });
    await objects.ensureBucket();
    const bus = new KafkaEventBus({
      kafka: createKafka(kafkaOptions(config, logger)),
      brokers: config.KAFKA_BROKERS,
      logger,
    });
    opened.unshift({ name: 'close event bus', run: () => bus.close() });

    return { bus, store, index, objects, closeSteps: opened };
  } catch (error) {
    await runShutdownSteps(opened, logger);
    throw error;
  }
}

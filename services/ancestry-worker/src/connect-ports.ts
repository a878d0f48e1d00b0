import { readFileSync } from 'node:fs';
import { createKafka, KafkaEventBus } from '@strata/kafka';
import type { KafkaConnectionOptions } from '@strata/kafka';
import { connectMongo, createImageStore, MongoResultVersionStore } from '@strata/mongodb';
import { connectRedis, RedisChainIndex } from '@strata/redis';
import type { Logger } from '@strata/runtime';
import { S3ObjectStore } from '@strata/s3';
import type { AncestryConfig } from './ancestry-config.ts';
import type { ConnectedPorts } from './ancestry-process.ts';

function readFile(path: string | undefined): string | undefined {
  return path === undefined ? undefined : readFileSync(path, 'utf8');
}

function kafkaOptions(config: AncestryConfig, logger: Logger): KafkaConnectionOptions {
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

function objectStore(config: AncestryConfig): S3ObjectStore {
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
 * Connects the real adapters the config names: Kafka, MongoDB (image store and result
 * versions), Redis (the chain index under `REDIS_KEY_PREFIX`) and
 * S3 (the bucket created when missing). Returns them with the steps that close them, producer
 * first. A client connected before a later one failed is closed again.
 */
export async function connectPorts(
  config: AncestryConfig,
  logger: Logger,
): Promise<ConnectedPorts> {
  const mongo = await connectMongo({ uri: config.MONGODB_URI, appName: 'strata-ancestry-worker' });
  try {
    const { client: redis, address } = await connectRedis({
      url: config.REDIS_URL,
      clusterNodes: config.REDIS_CLUSTER_NODES,
    });
    const database = config.MONGODB_DATABASE;
    // The ingestion worker, which writes the images, creates their indexes.
    const store = await createImageStore({ client: mongo, database });
    const objects = objectStore(config);
    await objects.ensureBucket();
    const kafka = createKafka(kafkaOptions(config, logger));
    const bus = new KafkaEventBus({ kafka, brokers: config.KAFKA_BROKERS, logger });

    return {
      bus,
      store,
      index: new RedisChainIndex({ client: redis, prefix: config.REDIS_KEY_PREFIX, address }),
      objects,
      versions: new MongoResultVersionStore({ client: mongo, database }),
      closeSteps: [
        { name: 'close event bus', run: () => bus.close() },
        { name: 'close object store', run: () => objects.close() },
        { name: 'close redis client', run: () => redis.quit().then(() => undefined) },
        { name: 'close mongodb client', run: () => mongo.close() },
      ],
    };
  } catch (error) {
    await mongo.close().catch(() => undefined);
    throw error;
  }
}

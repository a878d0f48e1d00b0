import { createKafka, KafkaEventBus, kafkaOptionsFromVariables } from '@strata/kafka';
import { connectMongo, createImageStore } from '@strata/mongodb';
import { connectRedis, RedisChainIndex } from '@strata/redis';
import { runShutdownSteps } from '@strata/runtime';
import type { Logger, ShutdownStep } from '@strata/runtime';
import { S3ObjectStore, s3OptionsFromVariables } from '@strata/s3';
import type { IngestionConfig } from './ingestion-config.ts';
import type { ConnectedPorts } from './ingestion-process.ts';

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
    const objects = new S3ObjectStore(s3OptionsFromVariables(config));
    opened.unshift({ name: 'close object store', run: () => objects.close() });
    await objects.ensureBucket();
    const bus = new KafkaEventBus({
      kafka: createKafka(kafkaOptionsFromVariables(config, logger)),
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

import { createKafka, KafkaEventBus, kafkaOptionsFromVariables } from '@strata/kafka';
import { connectMongo, createImageStore, createResultVersionStore } from '@strata/mongodb';
import { connectRedis, RedisChainIndex } from '@strata/redis';
import type { Logger } from '@strata/runtime';
import { S3ObjectStore, s3OptionsFromVariables } from '@strata/s3';
import type { AncestryConfig } from './ancestry-config.ts';
import type { ConnectedPorts } from './ancestry-process.ts';

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
    const versions = await createResultVersionStore({ client: mongo, database });
    const objects = new S3ObjectStore(s3OptionsFromVariables(config));
    await objects.ensureBucket();
    const kafka = createKafka(kafkaOptionsFromVariables(config, logger));
    const bus = new KafkaEventBus({ kafka, brokers: config.KAFKA_BROKERS, logger });

    return {
      bus,
      store,
      index: new RedisChainIndex({ client: redis, prefix: config.REDIS_KEY_PREFIX, address }),
      objects,
      versions,
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

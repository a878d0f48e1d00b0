import {
  createKafka,
  KafkaEventBus,
  KafkaGroupAdmin,
  kafkaOptionsFromVariables,
} from '@strata/kafka';
import { connectMongo, createImageStore, type MongoImageStore } from '@strata/mongodb';
import { connectRedis, RedisChainIndex } from '@strata/redis';
import {
  kafkaConfigShape,
  mongodbConfigShape,
  parseConfig,
  redisConfigShape,
  s3ConfigShape,
  type Logger,
} from '@strata/runtime';
import { z } from 'zod';

import type { Environment } from '../cli-services.ts';
import { lazyPortSet, type Connected, type PortSet } from './port-set.ts';
import { connectObjectStore } from './connect-object-store.ts';

const kafkaSchema = z.object(kafkaConfigShape);
const mongoSchema = z.object(mongodbConfigShape);
const redisSchema = z.object(redisConfigShape);
export const s3Schema = z.object(s3ConfigShape);

function kafkaClient(env: Environment, logger: Logger) {
  const config = parseConfig(kafkaSchema, env);
  const kafka = createKafka({
    ...kafkaOptionsFromVariables(config, logger),
    // A command fails fast and names the broker; the workers are the ones that wait it out.
    retries: 2,
    // kafkajs logs every failed attempt; a command reports the final error once instead.
    logger: logger.child({ component: 'kafkajs' }, { level: env.LOG_LEVEL ?? 'fatal' }),
  });

  return { kafka, brokers: config.KAFKA_BROKERS };
}

function connectBus(env: Environment, logger: Logger): Promise<Connected<KafkaEventBus>> {
  const { kafka, brokers } = kafkaClient(env, logger);
  const bus = new KafkaEventBus({ kafka, brokers, logger });

  return Promise.resolve({ value: bus, close: () => bus.close() });
}

function connectGroups(env: Environment, logger: Logger): Promise<Connected<KafkaGroupAdmin>> {
  const { kafka, brokers } = kafkaClient(env, logger);
  const admin = new KafkaGroupAdmin(kafka, brokers);

  return Promise.resolve({ value: admin, close: () => admin.close() });
}

async function connectStore(env: Environment): Promise<Connected<MongoImageStore>> {
  const config = parseConfig(mongoSchema, env);
  const client = await connectMongo({ uri: config.MONGODB_URI, appName: 'strata-cli' });
  try {
    const store = await createImageStore({
      client,
      database: config.MONGODB_DATABASE,
      ownsClient: true,
    });

    return { value: store, close: () => store.close() };
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}

async function connectIndex(env: Environment): Promise<Connected<RedisChainIndex>> {
  const config = parseConfig(redisSchema, env);
  // A command fails fast and names the server; the workers are the ones that wait it out.
  const { client, address } = await connectRedis({
    url: config.REDIS_URL,
    clusterNodes: config.REDIS_CLUSTER_NODES,
    maxRetriesPerRequest: 2,
  });
  const index = new RedisChainIndex({ client, prefix: config.REDIS_KEY_PREFIX, address });

  return { value: index, close: () => client.quit().then(() => undefined) };
}

/**
 * Connects the real services the environment names: Kafka (`KAFKA_*`), MongoDB (`MONGODB_*`),
 * Redis (`REDIS_*`) and S3 (`S3_*`), each on first use. Invalid variables raise
 * `INVALID_CONFIG` listing every problem of that service.
 */
export function connectServices(env: Environment, logger: Logger): PortSet {
  return lazyPortSet({
    bus: () => connectBus(env, logger),
    groups: () => connectGroups(env, logger),
    store: () => connectStore(env),
    index: () => connectIndex(env),
    objects: () => connectObjectStore(parseConfig(s3Schema, env)),
  });
}

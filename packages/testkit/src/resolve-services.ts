import { startContainerServices, type ContainerServices } from './container-services.ts';
import { dockerEngineResponds } from './docker-engine.ts';
import { addressesFromEnvironment } from './environment-addresses.ts';
import { startLocalServices } from './local-services.ts';
import {
  missingServices,
  type LocalServiceName,
  type PartialAddresses,
  type ServiceAddresses,
  type ServiceName,
  type ServiceSource,
} from './service-addresses.ts';

type Environment = Readonly<Record<string, string | undefined>>;

/** Resolved addresses and the function that releases what the resolution started. */
export interface ResolvedServices {
  addresses: ServiceAddresses;
  /** Stops the containers started for this run; local servers keep running. Safe to call twice. */
  release: () => Promise<void>;
}

/** Steps of the resolution, replaceable in tests of the order. */
export interface ServiceStarters {
  dockerEngineResponds(env: Environment): Promise<boolean>;
  startContainers(names: ServiceName[]): Promise<ContainerServices>;
  startLocal(names: LocalServiceName[]): Promise<PartialAddresses>;
}

const defaultStarters: ServiceStarters = {
  dockerEngineResponds,
  startContainers: startContainerServices,
  startLocal: startLocalServices,
};

/**
 * Finds a server for each of Kafka, MongoDB, Redis and S3, in this order:
 * 1. the address in the environment (KAFKA_BROKERS, MONGODB_URI, REDIS_URL, S3_ENDPOINT with
 *    S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and S3_REGION);
 * 2. for the services still missing, containers started with testcontainers when a Docker engine
 *    responds to its ping;
 * 3. else the local service scripts, which install and start the servers on loopback.
 * A Redis Cluster (REDIS_CLUSTER_NODES) is optional: it comes from the environment, or from the
 * local scripts when they start Redis too, and is absent otherwise, so that user-given and
 * container servers never get mixed with a local cluster.
 * Throws when an environment value is invalid or a server fails to start.
 */
export async function resolveServices(
  env: Environment,
  starters: ServiceStarters = defaultStarters,
): Promise<ResolvedServices> {
  const fromEnvironment = addressesFromEnvironment(env);
  const missing = missingServices(fromEnvironment);
  if (missing.length === 0) {
    return { addresses: complete(fromEnvironment, {}), release: () => Promise.resolve() };
  }

  if (await starters.dockerEngineResponds(env)) {
    const containers = await starters.startContainers(missing);
    const addresses = { ...fromEnvironment, ...containers.addresses };
    return {
      addresses: complete(addresses, sourcesOf(missing, 'testcontainers')),
      release: containers.stop,
    };
  }

  const local = await starters.startLocal(withLocalCluster(missing, fromEnvironment));
  const addresses = { ...fromEnvironment, ...local };
  return {
    addresses: complete(addresses, sourcesOf(missing, 'local')),
    release: () => Promise.resolve(),
  };
}

/** Adds the local Redis Cluster when the local scripts start Redis and no cluster is given. */
function withLocalCluster(
  missing: ServiceName[],
  fromEnvironment: PartialAddresses,
): LocalServiceName[] {
  const needsCluster = missing.includes('redis') && fromEnvironment.redisClusterNodes === undefined;
  return needsCluster ? [...missing, 'redis-cluster'] : missing;
}

function sourcesOf(
  names: ServiceName[],
  source: ServiceSource,
): Partial<Record<ServiceName, ServiceSource>> {
  return Object.fromEntries(names.map((name) => [name, source]));
}

/** Checks that every service has an address; services without a source came from the env. */
function complete(
  addresses: PartialAddresses,
  sources: Partial<Record<ServiceName, ServiceSource>>,
): ServiceAddresses {
  const { kafkaBrokers, mongodbUri, redisUrl, s3, redisClusterNodes } = addresses;
  const missing = missingServices(addresses);
  if (
    kafkaBrokers === undefined ||
    mongodbUri === undefined ||
    redisUrl === undefined ||
    s3 === undefined
  ) {
    throw new Error(`no address found for ${missing.join(', ')} after starting them`);
  }
  return {
    kafkaBrokers,
    mongodbUri,
    redisUrl,
    s3,
    ...(redisClusterNodes === undefined ? {} : { redisClusterNodes }),
    sources: {
      kafka: sources.kafka ?? 'environment',
      mongodb: sources.mongodb ?? 'environment',
      redis: sources.redis ?? 'environment',
      s3: sources.s3 ?? 'environment',
    },
  };
}

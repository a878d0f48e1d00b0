/** The servers an integration test can use, by the names the local service scripts know. */
export const SERVICE_NAMES = ['kafka', 'mongodb', 'redis', 's3'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * The services the local scripts run: the four above, and a three-node Redis Cluster for the
 * suites that need one. The cluster is optional, so tests skip its suites without it.
 */
export type LocalServiceName = ServiceName | 'redis-cluster';

/** Source of a service's address. */
export type ServiceSource = 'environment' | 'testcontainers' | 'local';

/** Endpoint and credentials of an S3 server. */
export interface S3Connection {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** Addresses of all four services, in a form that survives vitest's `provide` (plain JSON). */
export interface ServiceAddresses {
  kafkaBrokers: string[];
  mongodbUri: string;
  redisUrl: string;
  s3: S3Connection;
  /** Redis Cluster seed nodes as `host:port`; absent when no cluster is available. */
  redisClusterNodes?: string[];
  sources: Record<ServiceName, ServiceSource>;
}

/** Addresses of some of the services, as one source provides them. */
export interface PartialAddresses {
  kafkaBrokers?: string[];
  mongodbUri?: string;
  redisUrl?: string;
  s3?: S3Connection;
  redisClusterNodes?: string[];
}

/** Default region of S3 clients when S3_REGION is unset. */
export const DEFAULT_S3_REGION = 'us-east-1';

/** Lists the services whose address a set of partial addresses lacks. */
export function missingServices(addresses: PartialAddresses): ServiceName[] {
  const present: Record<ServiceName, boolean> = {
    kafka: addresses.kafkaBrokers !== undefined,
    mongodb: addresses.mongodbUri !== undefined,
    redis: addresses.redisUrl !== undefined,
    s3: addresses.s3 !== undefined,
  };
  return SERVICE_NAMES.filter((name) => !present[name]);
}

/**
 * Returns the environment variables that give the addresses to workers and clients:
 * KAFKA_BROKERS (comma-separated), MONGODB_URI, REDIS_URL, S3_ENDPOINT, S3_ACCESS_KEY_ID,
 * S3_SECRET_ACCESS_KEY and S3_REGION, plus AWS_EC2_METADATA_DISABLED=true so that no AWS SDK
 * in a test process looks for instance credentials.
 */
export function toEnvironment(addresses: ServiceAddresses): Record<string, string> {
  return {
    KAFKA_BROKERS: addresses.kafkaBrokers.join(','),
    MONGODB_URI: addresses.mongodbUri,
    REDIS_URL: addresses.redisUrl,
    S3_ENDPOINT: addresses.s3.endpoint,
    S3_ACCESS_KEY_ID: addresses.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: addresses.s3.secretAccessKey,
    S3_REGION: addresses.s3.region,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/**
 * Returns REDIS_CLUSTER_NODES (comma-separated) when the addresses include a Redis Cluster, else
 * nothing. It is separate from toEnvironment because workers reject a configuration with both
 * REDIS_URL and REDIS_CLUSTER_NODES, so only test processes get both.
 */
export function clusterEnvironment(addresses: ServiceAddresses): Record<string, string> {
  const nodes = addresses.redisClusterNodes;
  return nodes === undefined ? {} : { REDIS_CLUSTER_NODES: nodes.join(',') };
}

import {
  DEFAULT_S3_REGION,
  type PartialAddresses,
  type S3Connection,
} from './service-addresses.ts';

type Environment = Readonly<Record<string, string | undefined>>;

/** A service address variable that is set but unusable. */
export class InvalidServiceAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidServiceAddressError';
  }
}

function invalidValue(variable: string, value: string, expected: string): Error {
  return new InvalidServiceAddressError(`invalid ${variable} '${value}': expected ${expected}`);
}

/**
 * Reads the addresses that the environment gives. Each service is independent: a service whose
 * variable is unset or empty is left out, so its server can come from elsewhere. Throws
 * InvalidServiceAddressError for a value that cannot be an address, or when S3_ENDPOINT is set
 * without both S3 credentials.
 */
export function addressesFromEnvironment(env: Environment): PartialAddresses {
  const addresses: PartialAddresses = {};
  const brokers = nonEmpty(env.KAFKA_BROKERS);
  if (brokers !== undefined) {
    addresses.kafkaBrokers = parseHostPorts('KAFKA_BROKERS', brokers);
  }
  const mongodbUri = nonEmpty(env.MONGODB_URI);
  if (mongodbUri !== undefined) {
    addresses.mongodbUri = requireUrl('MONGODB_URI', mongodbUri, ['mongodb:', 'mongodb+srv:']);
  }
  const redisUrl = nonEmpty(env.REDIS_URL);
  if (redisUrl !== undefined) {
    addresses.redisUrl = requireUrl('REDIS_URL', redisUrl, ['redis:', 'rediss:']);
  }
  const clusterNodes = nonEmpty(env.REDIS_CLUSTER_NODES);
  if (clusterNodes !== undefined) {
    addresses.redisClusterNodes = parseHostPorts('REDIS_CLUSTER_NODES', clusterNodes);
  }
  const s3Endpoint = nonEmpty(env.S3_ENDPOINT);
  if (s3Endpoint !== undefined) {
    addresses.s3 = parseS3(env, s3Endpoint);
  }
  return addresses;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function parseHostPorts(variable: string, value: string): string[] {
  const hostPorts = value.split(',').map((hostPort) => hostPort.trim());
  for (const hostPort of hostPorts) {
    if (!/^[^\s:]+:\d{1,5}$/.test(hostPort)) {
      throw invalidValue(variable, value, 'comma-separated host:port pairs');
    }
  }
  return hostPorts;
}

function requireUrl(variable: string, value: string, protocols: string[]): string {
  const expected = `a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`;
  if (!URL.canParse(value)) {
    throw invalidValue(variable, value, expected);
  }
  if (!protocols.includes(new URL(value).protocol)) {
    throw invalidValue(variable, value, expected);
  }
  return value;
}

function parseS3(env: Environment, endpoint: string): S3Connection {
  requireUrl('S3_ENDPOINT', endpoint, ['http:', 'https:']);
  const accessKeyId = nonEmpty(env.S3_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.S3_SECRET_ACCESS_KEY);
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const missing = [
      accessKeyId === undefined ? 'S3_ACCESS_KEY_ID' : undefined,
      secretAccessKey === undefined ? 'S3_SECRET_ACCESS_KEY' : undefined,
    ].filter((name) => name !== undefined);
    throw new InvalidServiceAddressError(
      `S3_ENDPOINT is set but ${missing.join(' and ')} is missing: set the credentials of ` +
        `${endpoint} too, because tests never fall back to default AWS credentials`,
    );
  }
  const region = nonEmpty(env.S3_REGION) ?? DEFAULT_S3_REGION;
  return { endpoint, accessKeyId, secretAccessKey, region };
}

import { createServer } from 'node:net';

import type * as TestcontainersModule from 'testcontainers';
import type { StartedTestContainer } from 'testcontainers';

import type { PartialAddresses, ServiceName } from './service-addresses.ts';
import { DEFAULT_S3_REGION } from './service-addresses.ts';

/** Images of the containers; the same ones docker-compose.yml runs. */
export const CONTAINER_IMAGES = {
  kafka: 'apache/kafka:4.4.0',
  mongodb: 'mongo:8',
  redis: 'redis:7',
  s3: 'minio/minio:RELEASE.2025-04-22T22-12-26Z',
} as const satisfies Record<ServiceName, string>;

/** Credentials of the MinIO container, which serves tests only. */
const MINIO_CREDENTIALS = { accessKeyId: 'strata-test', secretAccessKey: 'strata-test-secret' };

/** Containers started for a test run and the addresses they serve. */
export interface ContainerServices {
  addresses: PartialAddresses;
  /** Stops every container; safe to call twice. */
  stop: () => Promise<void>;
}

/**
 * Starts one container per named service with testcontainers and waits until each accepts
 * clients. Stops the ones already started when a later one fails.
 */
// NOTE: this path has not run on the build machines, which have no Docker engine. The Kafka
// broker advertises 127.0.0.1, so it assumes the engine publishes ports on this host.
export async function startContainerServices(names: ServiceName[]): Promise<ContainerServices> {
  const testcontainers = await import('testcontainers');
  const started: StartedTestContainer[] = [];
  const addresses: PartialAddresses = {};
  const stop = async (): Promise<void> => {
    const containers = started.splice(0);
    await Promise.allSettled(containers.map((container) => container.stop()));
  };
  try {
    for (const name of names) {
      await startContainer(testcontainers, name, started, addresses);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { addresses, stop };
}

type Testcontainers = typeof TestcontainersModule;

async function startContainer(
  { GenericContainer, Wait }: Testcontainers,
  name: ServiceName,
  started: StartedTestContainer[],
  addresses: PartialAddresses,
): Promise<void> {
  switch (name) {
    case 'kafka': {
      // Clients must reach the broker at the address it advertises, so the host port is chosen
      // before the container starts and written into the advertised listener.
      const hostPort = await freePort();
      const container = await new GenericContainer(CONTAINER_IMAGES.kafka)
        .withExposedPorts({ container: 9092, host: hostPort })
        .withEnvironment(kafkaEnvironment(hostPort))
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .start();
      started.push(container);
      addresses.kafkaBrokers = [`127.0.0.1:${hostPort}`];
      return;
    }
    case 'mongodb': {
      const container = await new GenericContainer(CONTAINER_IMAGES.mongodb)
        .withExposedPorts(27017)
        .withWaitStrategy(Wait.forLogMessage(/Waiting for connections/))
        .start();
      started.push(container);
      addresses.mongodbUri = `mongodb://${container.getHost()}:${container.getMappedPort(27017)}`;
      return;
    }
    case 'redis': {
      const container = await new GenericContainer(CONTAINER_IMAGES.redis)
        .withExposedPorts(6379)
        .withCommand(['redis-server', '--save', '', '--appendonly', 'no'])
        .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
        .start();
      started.push(container);
      addresses.redisUrl = `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
      return;
    }
    case 's3': {
      const container = await new GenericContainer(CONTAINER_IMAGES.s3)
        .withExposedPorts(9000)
        .withEnvironment({
          MINIO_ROOT_USER: MINIO_CREDENTIALS.accessKeyId,
          MINIO_ROOT_PASSWORD: MINIO_CREDENTIALS.secretAccessKey,
          MINIO_UPDATE: 'off',
        })
        .withCommand(['server', '/data', '--address', ':9000'])
        .withWaitStrategy(Wait.forHttp('/minio/health/ready', 9000))
        .start();
      started.push(container);
      const endpoint = `http://${container.getHost()}:${container.getMappedPort(9000)}`;
      addresses.s3 = { endpoint, ...MINIO_CREDENTIALS, region: DEFAULT_S3_REGION };
      return;
    }
  }
}

/** Settings of a single-node KRaft broker in the apache/kafka image. */
function kafkaEnvironment(hostPort: number): Record<string, string> {
  return {
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
  };
}

/** Asks the kernel for a free TCP port on loopback. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

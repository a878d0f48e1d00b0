// Global setup of the `integration` project: finds Kafka, MongoDB, Redis and S3 once per run
// (environment, else testcontainers, else the local service scripts), then hands the addresses
// to tests through `inject('services')` and to every process they spawn through process.env.
// A Redis Cluster comes from REDIS_CLUSTER_NODES or from the local scripts; without one, the
// cluster suites are skipped.
import {
  clusterEnvironment,
  resolveServices,
  toEnvironment,
  type ServiceAddresses,
} from '@strata/testkit';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    services: ServiceAddresses;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const resolved = await resolveServices(process.env);
  const { addresses } = resolved;
  // Test files run in worker processes that inherit this environment, and so do the workers
  // that tests spawn. The cluster suites read REDIS_CLUSTER_NODES from it.
  Object.assign(process.env, toEnvironment(addresses), clusterEnvironment(addresses));
  project.provide('services', addresses);
  const sources = Object.entries(addresses.sources)
    .map(([service, source]) => `${service}: ${source}`)
    .join(', ');
  console.info(`integration services (${sources}): Kafka ${addresses.kafkaBrokers.join(',')}`);
  console.info(describeCluster(addresses));
  return resolved.release;
}

function describeCluster({ redisClusterNodes, sources }: ServiceAddresses): string {
  if (redisClusterNodes !== undefined) {
    return `redis cluster: ${redisClusterNodes.join(',')}`;
  }
  const reason =
    sources.redis === 'testcontainers'
      ? 'testcontainers starts no Redis Cluster'
      : 'REDIS_CLUSTER_NODES is unset';
  return `redis cluster suites skipped: ${reason}`;
}

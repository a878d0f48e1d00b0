export { CONTAINER_IMAGES, startContainerServices } from './container-services.ts';
export type { ContainerServices } from './container-services.ts';
export { DedicatedKafka, freePort } from './dedicated-kafka.ts';
export { dockerEngineResponds, findDockerEndpoint, pingDocker } from './docker-engine.ts';
export type { DockerEndpoint } from './docker-engine.ts';
export { addressesFromEnvironment, InvalidServiceAddressError } from './environment-addresses.ts';
export { LOCAL_SERVICES_SCRIPT, parseKeyValueLines, startLocalServices } from './local-services.ts';
export { resolveServices } from './resolve-services.ts';
export type { ResolvedServices, ServiceStarters } from './resolve-services.ts';
export {
  clusterEnvironment,
  DEFAULT_S3_REGION,
  missingServices,
  SERVICE_NAMES,
  toEnvironment,
} from './service-addresses.ts';
export type {
  LocalServiceName,
  PartialAddresses,
  S3Connection,
  ServiceAddresses,
  ServiceName,
  ServiceSource,
} from './service-addresses.ts';
export { createTestNames } from './test-names.ts';
export type { TestNames } from './test-names.ts';

export { createKafka } from './kafka-client.ts';
export type { KafkaConnectionOptions, KafkaSaslOptions, KafkaTlsOptions } from './kafka-client.ts';
export { isUnavailableError, toStrataError } from './kafka-errors.ts';
export { KafkaEventBus } from './kafka-event-bus.ts';
export type { KafkaEventBusOptions } from './kafka-event-bus.ts';
export { KafkaGroupAdmin } from './kafka-group-admin.ts';
export type { PartitionLag } from './kafka-group-admin.ts';
export { kafkaOptionsFromVariables } from './kafka-config-options.ts';
export type { KafkaVariables } from './kafka-config-options.ts';

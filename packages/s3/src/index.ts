export { S3ObjectStore } from './s3-object-store.ts';
export type { S3ObjectStoreOptions } from './s3-object-store.ts';
export { isNotFoundError, isUnavailableError, toStrataError } from './s3-errors.ts';
export { s3OptionsFromVariables } from './s3-config-options.ts';
export type { S3Variables } from './s3-config-options.ts';

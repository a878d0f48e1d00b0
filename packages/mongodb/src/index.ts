export { connectMongo, isFerretDb } from './connect-mongo.ts';
export type { MongoConnectionOptions } from './connect-mongo.ts';
export { createImageStore } from './create-image-store.ts';
export type { ImageStoreOptions } from './create-image-store.ts';
export { MongoImageStore } from './mongo-image-store.ts';
export type { MongoImageStoreOptions } from './mongo-image-store.ts';
export { MongoResultVersionStore } from './mongo-result-version-store.ts';
export type { MongoResultVersionStoreOptions } from './mongo-result-version-store.ts';
export { describeHosts, isUnavailableError, toStrataError } from './mongo-errors.ts';

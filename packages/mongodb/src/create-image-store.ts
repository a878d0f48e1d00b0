import { isFerretDb } from './connect-mongo.ts';
import { MongoImageStore, type MongoImageStoreOptions } from './mongo-image-store.ts';

/** Options of `MongoImageStore` without `lockWrites`, which `createImageStore` sets itself. */
export type ImageStoreOptions = Omit<MongoImageStoreOptions, 'lockWrites'>;

/**
 * Creates the image store for the server behind `options.client`, with `lockWrites` on when the
 * server is FerretDB (its conditional updates are not atomic, as of FerretDB 1.24) and off on
 * MongoDB. Raises the error of `isFerretDb` when the `buildInfo` command fails.
 */
export async function createImageStore(options: ImageStoreOptions): Promise<MongoImageStore> {
  const lockWrites = await isFerretDb(options.client);

  return new MongoImageStore({ ...options, lockWrites });
}

import { isFerretDb } from './connect-mongo.ts';
import { MongoImageStore, type MongoImageStoreOptions } from './mongo-image-store.ts';

/** Options of `MongoImageStore` without the server-dependent ones `createImageStore` sets. */
export type ImageStoreOptions = Omit<MongoImageStoreOptions, 'lockWrites' | 'pointReads'>;

/**
 * Creates the image store for the server behind `options.client`. On FerretDB (as of 1.24) it
 * turns on `lockWrites`, because conditional updates are not atomic there. It also turns on
 * `pointReads`, because FerretDB does not push `$in` down. On MongoDB both stay off. Raises the
 * error of `isFerretDb` when the `buildInfo` command fails.
 */
export async function createImageStore(options: ImageStoreOptions): Promise<MongoImageStore> {
  const ferretDb = await isFerretDb(options.client);

  return new MongoImageStore({ ...options, lockWrites: ferretDb, pointReads: ferretDb });
}

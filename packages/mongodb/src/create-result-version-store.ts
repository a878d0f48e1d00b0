import { isFerretDb } from './connect-mongo.ts';
import {
  MongoResultVersionStore,
  type MongoResultVersionStoreOptions,
} from './mongo-result-version-store.ts';

/** Options of `MongoResultVersionStore` without `lockWrites`, which the server decides. */
export type ResultVersionStoreOptions = Omit<MongoResultVersionStoreOptions, 'lockWrites'>;

/**
 * Creates the result version store for the server behind `options.client`. On FerretDB (as of
 * 1.24) it turns on `lockWrites`, because conditional updates are not atomic there. On MongoDB
 * it stays off. Raises the error of `isFerretDb` when the `buildInfo` command fails.
 */
export async function createResultVersionStore(
  options: ResultVersionStoreOptions,
): Promise<MongoResultVersionStore> {
  const ferretDb = await isFerretDb(options.client);

  return new MongoResultVersionStore({ ...options, lockWrites: ferretDb });
}

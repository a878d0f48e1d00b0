import { MongoClient } from 'mongodb';
import { toStrataError } from './mongo-errors.ts';

export interface MongoConnectionOptions {
  /** Connection string, as in MONGODB_URI; may carry credentials and TLS options. */
  uri: string;
  /** Time to find a usable server before an operation fails. Default 10000 ms. */
  serverSelectionTimeoutMs?: number;
  /** Time to open a connection. Default 10000 ms. */
  connectTimeoutMs?: number;
  /** Driver application name, shown in server logs. Default `strata`. */
  appName?: string;
}

/**
 * Creates a client and connects it. Fails with SERVICE_UNAVAILABLE (retryable) when no server
 * responds in time; the message names the hosts without credentials.
 */
export async function connectMongo(options: MongoConnectionOptions): Promise<MongoClient> {
  const client = new MongoClient(options.uri, {
    appName: options.appName ?? 'strata',
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000,
    connectTimeoutMS: options.connectTimeoutMs ?? 10_000,
    ignoreUndefined: true,
  });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.close().catch(() => undefined);
    throw toStrataError(error, 'connect', client);
  }
}

/**
 * Tells whether the server is FerretDB, from the `ferretdbVersion` field of its `buildInfo`.
 * FerretDB 1.x needs `lockWrites` in `MongoImageStore` and `MongoResultVersionStore`.
 */
export async function isFerretDb(client: MongoClient): Promise<boolean> {
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    return typeof info.ferretdbVersion === 'string';
  } catch (error) {
    throw toStrataError(error, 'buildInfo', client);
  }
}

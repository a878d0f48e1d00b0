/** Blob storage for analysis documents, archives and large results. */
export interface ObjectStore {
  /** Writes an object, replacing any object under the same key. */
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** Reads an object, or returns null when no object has that key. */
  get(key: string): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
  /** Lists keys that start with `prefix`, ascending. */
  list(prefix: string): AsyncIterable<string>;
  close(): Promise<void>;
}

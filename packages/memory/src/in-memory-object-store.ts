import type { ObjectStore } from '@strata/core';

/** The object store in process memory, for embedded runs and tests. */
export class InMemoryObjectStore implements ObjectStore {
  readonly #objects = new Map<string, { body: Uint8Array; contentType: string }>();

  put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    this.#objects.set(key, { body: Uint8Array.from(body), contentType });

    return Promise.resolve();
  }

  get(key: string): Promise<Uint8Array | null> {
    const stored = this.#objects.get(key);

    return Promise.resolve(stored === undefined ? null : Uint8Array.from(stored.body));
  }

  delete(key: string): Promise<void> {
    this.#objects.delete(key);

    return Promise.resolve();
  }

  /** Lists keys in the order of their UTF-8 bytes, the order S3 uses. */
  async *list(prefix: string): AsyncIterable<string> {
    const keys = [...this.#objects.keys()]
      .filter((key) => key.startsWith(prefix))
      .sort((left, right) => Buffer.compare(Buffer.from(left), Buffer.from(right)));
    for (const key of keys) {
      if (this.#objects.has(key)) {
        yield await Promise.resolve(key);
      }
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

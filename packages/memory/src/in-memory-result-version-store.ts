import type { Digest, RecordedResultVersion, ResultVersionStore } from '@strata/core';

/** The result version store in process memory, for embedded runs and tests. */
export class InMemoryResultVersionStore implements ResultVersionStore {
  /** Latest version per image digest, then per topic. */
  readonly #versions = new Map<Digest, Map<string, RecordedResultVersion>>();

  next(imageDigest: Digest, topic: string, contentHash: string): Promise<number | null> {
    const topics = this.#versions.get(imageDigest) ?? new Map<string, RecordedResultVersion>();
    const latest = topics.get(topic);
    if (latest?.contentHash === contentHash) {
      return Promise.resolve(null);
    }

    const version = (latest?.version ?? 0) + 1;
    topics.set(topic, { version, contentHash });
    this.#versions.set(imageDigest, topics);
    return Promise.resolve(version);
  }

  current(imageDigest: Digest, topic: string): Promise<RecordedResultVersion | null> {
    const latest = this.#versions.get(imageDigest)?.get(topic);

    return Promise.resolve(latest === undefined ? null : { ...latest });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

import type { ChainIndex, EventBus, ImageStore, ObjectStore } from '@strata/core';

/** The object store and the bucket it reads, which `s3://` references must name. */
export interface ObjectBucket {
  store: ObjectStore;
  bucket: string;
}

/** Consumer group offset operations, implemented over Kafka's admin API. */
export interface GroupOffsets {
  /** Moves a stopped group's offsets on `topics` to the first record at or after the time. */
  resetOffsetsToTime(
    groupId: string,
    topics: readonly string[],
    timestampMs: number,
  ): Promise<void>;
}

/**
 * The services a subcommand may use, each connected on first use, so a command that needs only
 * Kafka does not require the MongoDB variables. `close` closes what was connected.
 */
export interface PortSet {
  bus(): Promise<EventBus>;
  store(): Promise<ImageStore>;
  index(): Promise<ChainIndex>;
  objects(): Promise<ObjectBucket>;
  groups(): Promise<GroupOffsets>;
  close(): Promise<void>;
}

/** A connected port and the function that closes it. */
export interface Connected<T> {
  value: T;
  close: () => Promise<void>;
}

/** One connect function per port. */
export type PortConnectors = {
  [Name in Exclude<keyof PortSet, 'close'>]: () => Promise<
    Connected<Awaited<ReturnType<PortSet[Name]>>>
  >;
};

/**
 * Builds a `PortSet` whose ports connect on first use, at most once each. `close` closes the
 * connected ports in reverse order; a failing close does not stop the others, and the first
 * failure is raised at the end.
 */
export function lazyPortSet(connectors: PortConnectors): PortSet {
  const connected: Promise<Connected<unknown>>[] = [];
  const cache = new Map<string, Promise<Connected<unknown>>>();
  const once = async <T>(name: keyof PortConnectors): Promise<T> => {
    let pending = cache.get(name);
    if (pending === undefined) {
      pending = connectors[name]();
      cache.set(name, pending);
      connected.push(pending);
    }

    return (await pending).value as T;
  };

  return {
    bus: () => once('bus'),
    store: () => once('store'),
    index: () => once('index'),
    objects: () => once('objects'),
    groups: () => once('groups'),
    close: async () => {
      let failure: Error | undefined;
      for (const pending of connected.reverse()) {
        // A port that failed to connect has nothing to close; its error was raised already.
        const port = await pending.catch(() => undefined);
        try {
          await port?.close();
        } catch (error) {
          failure ??= error instanceof Error ? error : new Error(String(error));
        }
      }
      connected.length = 0;
      cache.clear();
      if (failure !== undefined) throw failure;
    },
  };
}

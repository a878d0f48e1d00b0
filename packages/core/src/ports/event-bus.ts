/** One record as it travels through a topic. The key is the image digest on every topic. */
export interface BusMessage {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** The key and headers of a consumed record as bytes, before the bus decoded them as UTF-8. */
export interface OriginalRecordBytes {
  key: Buffer | null;
  /**
   * Every header value in record order, so a repeated name appears once per value. A value is
   * null when the producer sent a header without one.
   */
  headers: readonly (readonly [string, Buffer | null])[];
}

/** A consumed record with its position in the log. */
export interface ConsumedMessage extends BusMessage {
  topic: string;
  partition: number;
  offset: string;
  /** Broker timestamp, milliseconds since the epoch. */
  timestamp: number;
  /**
   * Key and header bytes as received, set by buses that decode them. `key` and `headers` above
   * lose bytes that are not UTF-8, and keep only the last value of a repeated header.
   */
  original?: OriginalRecordBytes;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
  /** Aborted when the consumer stops; handlers pass it to long-running work. */
  signal: AbortSignal;
  /**
   * Offset the next record written to the partition will get, when the bus knows it (Kafka's
   * high watermark). Consumer lag after the batch is this minus the last offset minus 1.
   */
  highWatermark?: string;
}

export interface SubscribeOptions {
  groupId: string;
  topics: readonly string[];
  /** Start from the earliest retained record when the group has no committed offset. */
  fromBeginning: boolean;
  /**
   * Handles one batch. Offsets of the batch are committed only after the returned promise
   * resolves; a rejection leaves them uncommitted so the batch is delivered again.
   */
  eachBatch(batch: ConsumedBatch): Promise<void>;
}

export interface Subscription {
  /** Stops fetching, lets the batch in flight finish, commits, then leaves the group. */
  stop(): Promise<void>;
}

/** Topic-based publish and subscribe, implemented over Kafka and in memory. */
export interface EventBus {
  /** Publishes messages and resolves once the bus has acknowledged all of them. */
  publish(topic: string, messages: readonly BusMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Creates topics that do not exist yet. */
  ensureTopics(topics: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

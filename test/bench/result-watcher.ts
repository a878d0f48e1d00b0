import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import type { Consumer, Message, Producer } from 'kafkajs';

/**
 * Bounds of one `producer.send` call. The bytes stay well under the broker's default
 * `message.max.bytes` of 1 MiB, which applies to a whole batch of records.
 */
const SEND_MAX_RECORDS = 500;
const SEND_MAX_BYTES = 256 * 1024;

/** Creates a kafkajs client that logs nothing, for the benchmark's own producers and watchers. */
export function benchKafka(brokers: readonly string[], clientId: string): Kafka {
  return new Kafka({ brokers: [...brokers], clientId, logLevel: logLevel.NOTHING });
}

function recordBytes(message: Message): number {
  const value = message.value ?? '';

  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** Publishes records in chunks and resolves once the broker acknowledged all of them. */
export async function publishAll(
  producer: Producer,
  topic: string,
  messages: Iterable<Message>,
): Promise<number> {
  let chunk: Message[] = [];
  let bytes = 0;
  let sent = 0;
  for (const message of messages) {
    const size = recordBytes(message);
    if (chunk.length >= SEND_MAX_RECORDS || (chunk.length > 0 && bytes + size > SEND_MAX_BYTES)) {
      await producer.send({ topic, messages: chunk });
      sent += chunk.length;
      chunk = [];
      bytes = 0;
    }
    chunk.push(message);
    bytes += size;
  }
  if (chunk.length > 0) await producer.send({ topic, messages: chunk });

  return sent + chunk.length;
}

/** Returns whether a record, given by its value, counts as the result of its key. */
export type RecordCheck = (value: Buffer | null) => boolean;

/**
 * Reads one topic in a consumer group of its own and notes, per expected key, the time the first
 * record that passes `check` arrived. Used to find when the last expected result came out.
 */
export class ResultWatcher {
  readonly #expected: ReadonlySet<string>;
  readonly #arrivals = new Map<string, number>();
  readonly #consumer: Consumer;
  readonly #check: RecordCheck;
  records = 0;

  constructor(kafka: Kafka, groupId: string, expected: Iterable<string>, check: RecordCheck) {
    this.#expected = new Set(expected);
    this.#consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
    this.#check = check;
  }

  /**
   * Subscribes and resolves once the group has assigned its partitions. With `fromBeginning`
   * false, only records written after the group joined count.
   */
  async start(topic: string, fromBeginning = true): Promise<void> {
    const joined = new Promise<void>((resolve) => {
      this.#consumer.on(this.#consumer.events.GROUP_JOIN, () => resolve());
    });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic, fromBeginning });
    await this.#consumer.run({
      eachBatch: ({ batch }) => {
        const now = Date.now();
        for (const message of batch.messages) this.#note(message.key, message.value, now);
        return Promise.resolve();
      },
    });
    await joined;
  }

  get arrived(): number {
    return this.#arrivals.size;
  }

  /**
   * Waits until every expected key has arrived or `deadline` (epoch milliseconds) passes, and
   * returns the arrival time of the last key, or null when some are missing.
   */
  async waitForAll(
    deadline: number,
    onProgress?: (arrived: number) => void,
  ): Promise<number | null> {
    let reported = Date.now();
    while (this.#arrivals.size < this.#expected.size && Date.now() < deadline) {
      await sleep(100);
      if (onProgress !== undefined && Date.now() - reported > 30_000) {
        onProgress(this.#arrivals.size);
        reported = Date.now();
      }
    }
    if (this.#arrivals.size < this.#expected.size) {
      return null;
    }

    let last = 0;
    for (const arrival of this.#arrivals.values()) last = Math.max(last, arrival);

    return last;
  }

  /** Arrival times of the keys seen so far, epoch milliseconds, in no particular order. */
  arrivalTimes(): number[] {
    return [...this.#arrivals.values()];
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }

  #note(key: Buffer | null, value: Buffer | null, now: number): void {
    this.records += 1;
    const text = key?.toString('utf8');
    if (text === undefined || !this.#expected.has(text) || this.#arrivals.has(text)) {
      return;
    }
    if (this.#check(value)) this.#arrivals.set(text, now);
  }
}

import { StrataError } from '@strata/core';
import type { Admin, Kafka } from 'kafkajs';
import { toStrataError } from './kafka-errors.ts';

/** Lag of a consumer group on one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Next offset the group will consume, or null when it committed none. */
  committedOffset: string | null;
  /** Offset the next published record will get (the high watermark). */
  endOffset: string;
  /** Records between the committed offset (or the log start) and the end. */
  lag: number;
}

/** Operations on consumer groups for the CLI and the workers' metrics. */
export class KafkaGroupAdmin {
  readonly #kafka: Kafka;
  readonly #brokers: readonly string[];
  #admin: Admin | null = null;

  constructor(kafka: Kafka, brokers: readonly string[]) {
    this.#kafka = kafka;
    this.#brokers = brokers;
  }

  /** Returns the lag of `groupId` on every partition of `topics`, from committed offsets. */
  async consumerLag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
    return this.#run('consumerLag', { groupId }, async (admin) => {
      const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
      const lags: PartitionLag[] = [];
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const group = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
        for (const end of ends) {
          const offset = group.find((entry) => entry.partition === end.partition)?.offset;
          const committedOffset = offset === undefined || BigInt(offset) < 0n ? null : offset;
          const start = BigInt(committedOffset ?? end.low);
          const lag = Number(BigInt(end.high) - start);
          lags.push({ topic, partition: end.partition, committedOffset, endOffset: end.high, lag });
        }
      }

      return lags;
    });
  }

  /**
   * Moves the committed offsets of `groupId` on `topics` to the first record at or after
   * `timestampMs`, or to the end of a partition that has none. Kafka accepts this only while the
   * group has no active member, so stop its consumers first.
   */
  async resetOffsetsToTime(
    groupId: string,
    topics: readonly string[],
    timestampMs: number,
  ): Promise<void> {
    await this.#run('resetOffsetsToTime', { groupId, timestampMs }, async (admin) => {
      const described = await admin.describeGroups([groupId]);
      const members = described.groups[0]?.members.length ?? 0;
      if (members > 0) {
        throw new StrataError(
          'CONFLICT',
          `consumer group ${groupId} has ${members} active members; stop them before resetting offsets`,
          { details: { groupId, members } },
        );
      }

      for (const topic of topics) {
        const atTime = await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs);
        const ends = await admin.fetchTopicOffsets(topic);
        const partitions = atTime.map(({ partition, offset }) => ({
          partition,
          offset:
            BigInt(offset) < 0n
              ? (ends.find((end) => end.partition === partition)?.high ?? offset)
              : offset,
        }));
        await admin.setOffsets({ groupId, topic, partitions });
      }
    });
  }

  async close(): Promise<void> {
    const admin = this.#admin;
    this.#admin = null;
    await admin?.disconnect();
  }

  async #run<T>(
    operation: string,
    details: Record<string, unknown>,
    action: (admin: Admin) => Promise<T>,
  ): Promise<T> {
    try {
      if (this.#admin === null) {
        const admin = this.#kafka.admin();
        await admin.connect();
        this.#admin = admin;
      }

      return await action(this.#admin);
    } catch (error) {
      throw toStrataError(error, operation, this.#brokers, details);
    }
  }
}

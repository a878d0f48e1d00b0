import { Cluster } from 'ioredis';
import type { ChainableCommander, Redis } from 'ioredis';
import type { LuaScript } from './chain-index-scripts.ts';

export type RedisClient = Redis | Cluster;

/** One command of a batch, addressed by its single key. */
export interface KeyedCommand {
  key: string;
  queue(pipeline: ChainableCommander): void;
}

/** A reply of a pipelined command: the error, or null and the result. */
export type PipelineReply = [Error | null, unknown];

/**
 * Sends commands in one round trip: one pipeline on a single server, one pipeline per node in
 * parallel on Redis Cluster, because ioredis rejects a cluster pipeline whose keys live on more
 * than one node. Replies come back in the order of `commands`.
 */
export async function runPipelined(
  client: RedisClient,
  commands: readonly KeyedCommand[],
): Promise<PipelineReply[]> {
  if (commands.length === 0) {
    return [];
  }

  const groups = await groupByNode(client, commands);
  const replies: PipelineReply[] = new Array<PipelineReply>(commands.length);
  await Promise.all(
    groups.map(async (indexes) => {
      const pipeline = client.pipeline();
      for (const index of indexes) {
        commands[index]?.queue(pipeline);
      }
      const results = (await pipeline.exec()) ?? [];
      indexes.forEach((index, position) => {
        replies[index] = results[position] ?? [new Error('missing pipeline reply'), null];
      });
    }),
  );

  return replies;
}

/**
 * Runs a Lua script on each key with EVALSHA, then again with EVAL for the keys whose server did
 * not have the script cached (after a restart or failover).
 */
export async function runScript(
  client: RedisClient,
  script: LuaScript,
  calls: readonly { key: string; args: readonly Buffer[] }[],
): Promise<PipelineReply[]> {
  const replies = await runPipelined(
    client,
    calls.map((call) => ({
      key: call.key,
      queue: (pipeline) => pipeline.evalsha(script.sha1, 1, call.key, ...call.args),
    })),
  );
  const missing = replies.flatMap((reply, index) => (isNoScript(reply[0]) ? [index] : []));
  if (missing.length === 0) {
    return replies;
  }

  const retried = await runPipelined(
    client,
    missing.map((index) => {
      const call = calls[index] ?? { key: '', args: [] };
      return {
        key: call.key,
        queue: (pipeline) => pipeline.eval(script.source, 1, call.key, ...call.args),
      };
    }),
  );
  missing.forEach((index, position) => {
    replies[index] = retried[position] ?? [new Error('missing pipeline reply'), null];
  });
  return replies;
}

/** Throws the first error among pipeline replies, if any. */
export function firstError(replies: readonly PipelineReply[]): Error | null {
  return replies.find((reply) => reply[0] !== null)?.[0] ?? null;
}

function isNoScript(error: Error | null): boolean {
  return error !== null && error.message.startsWith('NOSCRIPT');
}

/** Groups command indexes by the cluster node that serves their key's slot. */
async function groupByNode(
  client: RedisClient,
  commands: readonly KeyedCommand[],
): Promise<number[][]> {
  const all = commands.map((_, index) => index);
  if (!(client instanceof Cluster)) {
    return [all];
  }

  if (client.slots.length === 0) {
    // The cluster loads its slot table before it reports ready; PING waits for that.
    await client.ping();
  }

  const groups = new Map<string, number[]>();
  for (const index of all) {
    const slot = keySlot(commands[index]?.key ?? '');
    const node = client.slots[slot]?.join(';') ?? `slot:${slot}`;
    const group = groups.get(node) ?? [];
    group.push(index);
    groups.set(node, group);
  }

  return [...groups.values()];
}

/** Redis Cluster slot of a key: CRC16 (XMODEM) of its hash tag, modulo 16384. */
export function keySlot(key: string): number {
  const bytes = Buffer.from(key);
  const open = bytes.indexOf('{');
  const close = open >= 0 ? bytes.indexOf('}', open + 1) : -1;
  const tagged = close > open + 1 ? bytes.subarray(open + 1, close) : bytes;

  return crc16(tagged) % 16384;
}

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }

  return crc;
}

// Measures the Redis memory the chain index takes per image. Run it against an empty server that
// nothing else uses, because it reads the server-wide `used_memory`:
//
//   node --conditions=@strata/source packages/redis/src/tools/measure-memory.ts \
//     redis://127.0.0.1:6391 100000 1000000
//
// Arguments: server URL, images to add (default 100000), and the image count whose bucket
// density to simulate (default: the same). With 100000 images and a density of 1000000, chain IDs
// fall into a tenth of the buckets, so each bucket contains as many chains as at a million images.
// Options: `--alias-fraction` (default 0), the share of images that reuse the previous image's
// chains, and `--fingerprint-bytes` (default: the index default), the width of the hash field.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { ImageRecord } from '@strata/core';
import { Redis } from 'ioredis';
import { DEFAULT_FINGERPRINT_BYTES } from '../chain-index-layout.ts';
import { RedisChainIndex } from '../redis-chain-index.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'alias-fraction': { type: 'string', default: '0' },
    'fingerprint-bytes': { type: 'string', default: String(DEFAULT_FINGERPRINT_BYTES) },
  },
});
const url = positionals[0] ?? 'redis://127.0.0.1:6379';
const images = Number(positionals[1] ?? 100_000);
const density = Number(positionals[2] ?? images);
const aliasFraction = Number(values['alias-fraction']);
const fingerprintBytes = Number(values['fingerprint-bytes']);
const bucketHexDigits = 4;
const usedBuckets = Math.max(1, Math.round(16 ** bucketHexDigits * Math.min(1, images / density)));

function chainId(): string {
  const bytes = randomBytes(32);
  bytes.writeUInt16BE(Math.floor(Math.random() * usedBuckets), 0);
  return `sha256:${bytes.toString('hex')}`;
}

/** Yields images with one blob chain and one diff-ID chain; some share the previous one's. */
async function* syntheticImages(): AsyncIterable<ImageRecord> {
  let previous = { blob: chainId(), diffId: chainId() };
  for (let i = 0; i < images; i += 1) {
    const chains =
      Math.random() < aliasFraction ? previous : { blob: chainId(), diffId: chainId() };
    previous = chains;
    yield await Promise.resolve({
      image: {
        digest: `sha256:${randomBytes(32).toString('hex')}`,
        layers: [],
        tags: [],
        annotations: {},
      },
      blobChains: [chains.blob],
      diffIdChains: [chains.diffId],
      analyzedAt: '2026-01-01T00:00:00Z',
      vulnerabilities: [],
      policyFindings: [],
      hasPolicyEvaluation: false,
      markedBase: false,
    });
  }
}

async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

async function sampleBuckets(client: Redis, prefix: string) {
  const [, keys] = await client.scan('0', 'MATCH', `${prefix}{*`, 'COUNT', 2000);
  const sample = keys.slice(0, 200);
  const encodings = new Map<string, number>();
  let bytes = 0;
  let fields = 0;
  for (const key of sample) {
    const encoding = String(await client.object('ENCODING', key));
    encodings.set(encoding, (encodings.get(encoding) ?? 0) + 1);
    bytes += Number(await client.memory('USAGE', key, 'SAMPLES', 0));
    fields += await client.hlen(key);
  }
  return {
    sampled: sample.length,
    bytesPerField: bytes / fields,
    fieldsPerBucket: fields / sample.length,
    encodings: Object.fromEntries(encodings),
  };
}

const client = new Redis(url);
const prefix = `strata-measure-${Date.now()}:`;
const index = new RedisChainIndex({ client, prefix, bucketHexDigits, fingerprintBytes });
const config = await client.config('GET', 'hash-max-listpack-*');
const before = await usedMemory(client);
const started = Date.now();
await index.rebuild(syntheticImages());
const durationMs = Date.now() - started;
const after = await usedMemory(client);
const buckets = await sampleBuckets(client, prefix);
console.log(
  JSON.stringify(
    {
      images,
      simulatedDensityOf: density,
      aliasFraction,
      fingerprintBytes,
      pairs: await index.size(),
      usedMemoryBytes: after - before,
      bytesPerImage: Math.round(((after - before) / images) * 10) / 10,
      buckets,
      serverConfig: config,
      durationMs,
    },
    null,
    2,
  ),
);
await index.clear();
await client.quit();

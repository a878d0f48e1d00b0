import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Digest, ImageRecord } from '@strata/core';

/** A fresh, isolated instance of a port implementation and the way to dispose of it. */
export interface ContractFixture<T> {
  subject: T;
  /** Deletes what the test created (database, key prefix, bucket, topics) and disconnects. */
  cleanup(): Promise<void>;
}

export type ContractFactory<T> = () => Promise<ContractFixture<T>>;

/** Returns a random `sha256:` digest. */
export function randomDigest(): Digest {
  return `sha256:${randomBytes(32).toString('hex')}`;
}

/** Returns a name no other test uses, for topics, groups, prefixes and buckets. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Computes the OCI ChainIDs of every prefix of `ids`: `chain[i]` covers `ids[0..i]`. */
export function prefixChains(ids: readonly Digest[]): Digest[] {
  const chains: Digest[] = [];
  for (const id of ids) {
    const previous = chains.at(-1);
    const next =
      previous === undefined
        ? id
        : `sha256:${createHash('sha256').update(`${previous} ${id}`).digest('hex')}`;
    chains.push(next);
  }

  return chains;
}

export interface TestLayer {
  digest: Digest;
  diffId?: Digest;
}

/** Returns `count` layers with random digests and, unless `withDiffIds` is false, diff IDs. */
export function randomLayers(count: number, withDiffIds = true): TestLayer[] {
  return Array.from({ length: count }, () =>
    withDiffIds ? { digest: randomDigest(), diffId: randomDigest() } : { digest: randomDigest() },
  );
}

export interface TestRecordOptions {
  digest?: Digest;
  layers?: readonly TestLayer[];
  analyzedAt?: string;
  markedBase?: boolean;
  tags?: string[];
}

/** Builds a complete image record with the chains of its layers. */
export function makeImageRecord(options: TestRecordOptions = {}): ImageRecord {
  const layers = (options.layers ?? randomLayers(3)).map((layer) => ({ ...layer, size: 1024 }));
  const diffIds = layers.map((layer) => layer.diffId);
  const allDiffIds = diffIds.every((id) => id !== undefined);

  return {
    image: {
      digest: options.digest ?? randomDigest(),
      layers,
      tags: options.tags ?? ['registry.example/team/app:1.0'],
      platform: { os: 'linux', architecture: 'amd64' },
      annotations: { 'org.opencontainers.image.base.name': 'registry.example/base:1' },
    },
    blobChains: prefixChains(layers.map((layer) => layer.digest)),
    diffIdChains: allDiffIds ? prefixChains(diffIds) : null,
    analyzedAt: options.analyzedAt ?? '2026-01-31T12:00:00Z',
    vulnerabilities: [
      {
        id: 'CVE-2024-0001',
        severity: 'High',
        package: {
          name: 'openssl',
          version: '3.0.11-1',
          type: 'deb',
          path: '/var/lib/dpkg/status',
        },
        fix: { state: 'fixed', versions: ['3.0.13-1'] },
      },
    ],
    policyFindings: [{ gate: 'vulnerabilities', trigger: 'package', triggerId: 'CVE-2024-0001' }],
    hasPolicyEvaluation: true,
    markedBase: options.markedBase ?? false,
  };
}

/** Collects an async iterable into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) {
    collected.push(item);
  }

  return collected;
}

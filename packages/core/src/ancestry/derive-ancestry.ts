import { isDigest } from '../digest.ts';
import type { Ancestor, BaseHint } from '../events/ancestry-event.ts';
import type { Digest, ImageRecord } from '../model/image.ts';
import type { ChainIndex } from '../ports/chain-index.ts';
import { ancestryQueries } from './ancestry-queries.ts';
import { checkBaseHint, hintedBaseDigest } from './base-hint.ts';
import { matchPrefix } from './prefix-match.ts';
import { compareLevelMembers } from './representative-order.ts';

/** Loads stored records by digest, like `ImageStore.getMany`: missing digests are skipped. */
export type RecordLoader = (digests: readonly Digest[]) => Promise<ImageRecord[]>;

/** One image picked by the representative rule, with the others at its level. */
export type Relative = {
  digest: Digest;
  others?: { digest: Digest }[];
};

/** The ancestry of one image, the body of `image.ancestry` without version fields. */
export type Ancestry = {
  image: { digest: Digest; tags: string[] };
  /** Nearest first; within a level, representative first. */
  ancestors: Ancestor[];
  parent: Relative | null;
  base: Relative | null;
  aliases: { digest: Digest }[];
  baseHint?: BaseHint;
};

/** An image returned by the chain index for the prefix of `layerCount` layers. */
export interface Candidate {
  digest: Digest;
  layerCount: number;
}

/**
 * Derives the ancestry of a stored image: one chain-index lookup for all its prefixes, one load
 * of the images found there (and of the image its base annotation names), then
 * {@link assembleAncestry}. The cost depends on the image's layer count and on how many images
 * share its prefixes, not on the number of stored images.
 */
export async function deriveAncestry(
  record: ImageRecord,
  index: ChainIndex,
  loadRecords: RecordLoader,
): Promise<Ancestry> {
  const queries = ancestryQueries(record);
  const found = await index.lookup(queries.map((entry) => entry.query));
  const candidates: Candidate[] = [];
  queries.forEach((entry, position) => {
    for (const digest of found[position] ?? []) {
      candidates.push({ digest, layerCount: entry.layerCount });
    }
  });

  const hinted = hintedBaseDigest(record);
  const toLoad = new Set(candidates.map((candidate) => candidate.digest));
  if (isDigest(hinted)) toLoad.add(hinted);
  toLoad.delete(record.image.digest);
  const records = new Map<Digest, ImageRecord>();
  for (const loaded of await loadRecords([...toLoad].sort())) {
    records.set(loaded.image.digest, loaded);
  }

  return assembleAncestry(record, candidates, records);
}

/**
 * Builds the ancestry from the candidates the chain index returned. Each candidate is checked
 * against its stored record, so a stale index entry never produces a relation.
 */
export function assembleAncestry(
  record: ImageRecord,
  candidates: readonly Candidate[],
  records: ReadonlyMap<Digest, ImageRecord>,
): Ancestry {
  const layerCount = record.blobChains.length;
  const levels = new Map<number, Ancestor[]>();
  const aliases = new Set<Digest>();
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const key = `${candidate.layerCount} ${candidate.digest}`;
    const stored = records.get(candidate.digest);
    if (seen.has(key) || stored === undefined || candidate.digest === record.image.digest) {
      continue;
    }

    seen.add(key);
    const matchedBy = matchPrefix(record, stored, candidate.layerCount);
    if (matchedBy === null) {
      continue;
    }

    if (candidate.layerCount === layerCount) {
      aliases.add(candidate.digest);
      continue;
    }

    const level = levels.get(candidate.layerCount) ?? [];
    level.push(toAncestor(record, stored, candidate.layerCount, matchedBy));
    levels.set(candidate.layerCount, level);
  }

  return finishAncestry(record, levels, aliases, records);
}

function finishAncestry(
  record: ImageRecord,
  levels: Map<number, Ancestor[]>,
  aliases: Set<Digest>,
  records: ReadonlyMap<Digest, ImageRecord>,
): Ancestry {
  const ordered = [...levels.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([, members]) => members.sort(compareAncestors));
  const ancestors = ordered.flat();
  const hintedDigest = hintedBaseDigest(record);
  const hinted = hintedDigest === undefined ? undefined : records.get(hintedDigest);
  const ancestry: Ancestry = {
    image: { digest: record.image.digest, tags: [...record.image.tags] },
    ancestors,
    parent: toRelative(ordered[0]),
    base: toRelative(ordered.at(-1)),
    aliases: [...aliases].sort().map((digest) => ({ digest })),
  };
  const hintCandidates = ancestors.map((ancestor) => ({
    ...ancestor,
    indexDigest: records.get(ancestor.digest)?.image.indexDigest,
  }));
  const baseHint = checkBaseHint(record, hintCandidates, hinted);
  if (baseHint !== undefined) ancestry.baseHint = baseHint;

  return ancestry;
}

function toAncestor(
  record: ImageRecord,
  stored: ImageRecord,
  matchedLayers: number,
  matchedBy: Ancestor['matchedBy'],
): Ancestor {
  const prefix = record.image.layers.slice(0, matchedLayers);
  const layers = prefix.map((layer) =>
    matchedBy === 'diffId' ? (layer.diffId ?? layer.digest) : layer.digest,
  );
  const ancestor: Ancestor = {
    digest: stored.image.digest,
    tags: [...stored.image.tags],
    matchedLayers,
    layers,
    matchedBy,
  };
  if (stored.markedBase) ancestor.markedBase = true;

  return ancestor;
}

function compareAncestors(a: Ancestor, b: Ancestor): number {
  return compareLevelMembers(
    { ...a, markedBase: a.markedBase === true },
    { ...b, markedBase: b.markedBase === true },
  );
}

function toRelative(level: readonly Ancestor[] | undefined): Relative | null {
  const [first, ...others] = level ?? [];
  if (first === undefined) {
    return null;
  }

  const relative: Relative = { digest: first.digest };
  if (others.length > 0) relative.others = others.map((other) => ({ digest: other.digest }));

  return relative;
}

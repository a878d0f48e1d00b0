import { describe, expect, it } from 'vitest';

import { indexedChains } from '../image-record.ts';
import { InMemoryChainIndex } from '../memory-chain-index.ts';
import type { ImageRecord } from '../model/image.ts';
import type { ChainIndex } from '../ports/chain-index.ts';
import { BASE_DIGEST_ANNOTATION, BASE_NAME_ANNOTATION } from './base-hint.ts';
import { deriveAncestry } from './derive-ancestry.ts';
import { testLayer, testRecord } from './test-images.ts';

async function setUp(records: readonly ImageRecord[]) {
  const index = new InMemoryChainIndex();
  const byDigest = new Map<string, ImageRecord>();
  for (const record of records) {
    await index.add(record.image.digest, indexedChains(record));
    byDigest.set(record.image.digest, record);
  }

  const load = (digests: readonly string[]) =>
    Promise.resolve(digests.flatMap((digest) => byDigest.get(digest) ?? []));

  return { index, load };
}

const [A, B, C] = ['a', 'b', 'c'].map((name) => testLayer(name)) as [
  ReturnType<typeof testLayer>,
  ReturnType<typeof testLayer>,
  ReturnType<typeof testLayer>,
];

describe('deriveAncestry', () => {
  it('finds a recompressed parent by diff ID', async () => {
    const parent = testRecord('parent', [testLayer('a', { compression: 'zstd' })]);
    const child = testRecord('child', [A, B]);
    const { index, load } = await setUp([parent, child]);

    const ancestry = await deriveAncestry(child, index, load);

    expect(ancestry.ancestors).toEqual([
      {
        digest: parent.image.digest,
        tags: [],
        matchedLayers: 1,
        layers: [A.diffId],
        matchedBy: 'diffId',
      },
    ]);
    expect(ancestry.parent).toEqual({ digest: parent.image.digest });
    expect(ancestry.base).toEqual({ digest: parent.image.digest });
  });

  it('matches by layer digest when one image lacks diff IDs', async () => {
    const parent = testRecord('parent', [testLayer('a', { diffId: false })]);
    const child = testRecord('child', [A, B]);
    const { index, load } = await setUp([parent, child]);

    const ancestry = await deriveAncestry(child, index, load);

    expect(ancestry.ancestors[0]?.matchedBy).toBe('layerDigest');
    expect(ancestry.ancestors[0]?.layers).toEqual([A.digest]);
  });

  it('ignores a layer-digest match when diff IDs differ', async () => {
    const parent = testRecord('parent', [{ digest: A.digest, diffId: C.diffId ?? '' }]);
    const child = testRecord('child', [A, B]);
    const { index, load } = await setUp([parent, child]);

    const ancestry = await deriveAncestry(child, index, load);

    expect(ancestry.ancestors).toEqual([]);
  });

  it('lists aliases and picks a marked base as representative', async () => {
    const plain = testRecord('plain', [A], { tags: ['repo:plain'] });
    const marked = testRecord('marked', [A], { markedBase: true });
    const child = testRecord('child', [A, B]);
    const { index, load } = await setUp([plain, marked, child]);

    const ancestry = await deriveAncestry(child, index, load);
    const aliasesOfPlain = await deriveAncestry(plain, index, load);

    expect(ancestry.parent).toEqual({
      digest: marked.image.digest,
      others: [{ digest: plain.image.digest }],
    });
    expect(ancestry.ancestors.map((ancestor) => ancestor.digest)).toEqual([
      marked.image.digest,
      plain.image.digest,
    ]);
    expect(aliasesOfPlain.aliases).toEqual([{ digest: marked.image.digest }]);
    expect(aliasesOfPlain.ancestors).toEqual([]);
  });

  it('prefers a tagged image, then the lowest digest', async () => {
    const first = testRecord('first', [A]);
    const second = testRecord('second', [A]);
    const tagged = testRecord('tagged', [A], { tags: ['repo:tag'] });
    const child = testRecord('child', [A, B]);
    const { index, load } = await setUp([first, second, tagged, child]);

    const { parent } = await deriveAncestry(child, index, load);
    const untagged = [first.image.digest, second.image.digest].sort();

    expect(parent?.digest).toBe(tagged.image.digest);
    expect(parent?.others?.map((other) => other.digest)).toEqual(untagged);
  });

  it('keeps duplicate layers in position', async () => {
    const once = testRecord('once', [A]);
    const twice = testRecord('twice', [A, A]);
    const child = testRecord('child', [A, A, B]);
    const { index, load } = await setUp([once, twice, child]);

    const ancestry = await deriveAncestry(child, index, load);

    expect(ancestry.ancestors.map((ancestor) => ancestor.matchedLayers)).toEqual([2, 1]);
    expect(ancestry.parent?.digest).toBe(twice.image.digest);
    expect(ancestry.base?.digest).toBe(once.image.digest);
  });

  it('skips index entries whose record is missing or changed', async () => {
    const parent = testRecord('parent', [A]);
    const child = testRecord('child', [A, B]);
    const stale: ChainIndex = new InMemoryChainIndex();
    await stale.add(parent.image.digest, indexedChains(child));
    const load = () => Promise.resolve([parent]);

    const ancestry = await deriveAncestry(child, stale, load);

    expect(ancestry.ancestors).toEqual([]);
    expect(ancestry.aliases).toEqual([]);
  });

  it('makes one index lookup with two queries per layer', async () => {
    const child = testRecord('child', [A, B, C]);
    const inner = new InMemoryChainIndex();
    const calls: number[] = [];
    const counting: ChainIndex = {
      add: (digest, chains) => inner.add(digest, chains),
      remove: (digest, chains) => inner.remove(digest, chains),
      lookup: (queries) => {
        calls.push(queries.length);
        return inner.lookup(queries);
      },
      size: () => inner.size(),
      clear: () => inner.clear(),
    };

    await deriveAncestry(child, counting, () => Promise.resolve([]));

    expect(calls).toEqual([6]);
  });
});

describe('deriveAncestry base hints', () => {
  it('confirms a hinted digest that is an ancestor', async () => {
    const parent = testRecord('parent', [A]);
    const annotations = { [BASE_DIGEST_ANNOTATION]: parent.image.digest };
    const child = testRecord('child', [A, B], { annotations });
    const { index, load } = await setUp([parent, child]);

    const { baseHint } = await deriveAncestry(child, index, load);

    expect(baseHint).toEqual({ digest: parent.image.digest, status: 'confirmed' });
  });

  it('confirms a hinted index digest of an ancestor', async () => {
    const parent = testRecord('parent', [A]);
    parent.image.indexDigest = testRecord('parent index', [A]).image.digest;
    const annotations = { [BASE_DIGEST_ANNOTATION]: parent.image.indexDigest };
    const child = testRecord('child', [A, B], { annotations });
    const { index, load } = await setUp([parent, child]);

    const { baseHint } = await deriveAncestry(child, index, load);

    expect(baseHint).toEqual({ digest: parent.image.indexDigest, status: 'confirmed' });
  });

  it('keeps an unmatched index digest unknown', async () => {
    const parent = testRecord('parent', [A]);
    parent.image.indexDigest = testRecord('parent index', [A]).image.digest;
    const annotations = { [BASE_DIGEST_ANNOTATION]: testRecord('other index', [C]).image.digest };
    const child = testRecord('child', [A, B], { annotations });
    const { index, load } = await setUp([parent, child]);

    const { baseHint } = await deriveAncestry(child, index, load);

    expect(baseHint?.status).toBe('unknown');
  });

  it('reports a hinted digest the layers contradict', async () => {
    const other = testRecord('other', [C]);
    const annotations = { [BASE_DIGEST_ANNOTATION]: other.image.digest };
    const child = testRecord('child', [A, B], { annotations });
    const { index, load } = await setUp([other, child]);

    const { baseHint, base } = await deriveAncestry(child, index, load);

    expect(baseHint?.status).toBe('contradicted');
    expect(base).toBeNull();
  });

  it('contradicts a stored hinted image named as an index', async () => {
    const other = testRecord('other', [C]);
    const parent = testRecord('parent', [A]);
    parent.image.indexDigest = other.image.digest;
    const annotations = { [BASE_DIGEST_ANNOTATION]: other.image.digest };
    const child = testRecord('child', [A, B], { annotations });
    const { index, load } = await setUp([other, parent, child]);

    const { baseHint, base } = await deriveAncestry(child, index, load);

    expect(baseHint?.status).toBe('contradicted');
    expect(base?.digest).toBe(parent.image.digest);
  });

  it('reports an unstored hinted image as unknown', async () => {
    const annotations = {
      [BASE_DIGEST_ANNOTATION]: testRecord('absent', [A]).image.digest,
      [BASE_NAME_ANNOTATION]: 'docker.io/library/absent:1',
    };
    const child = testRecord('child', [A, B], { annotations });
    const { index, load } = await setUp([child]);

    const { baseHint } = await deriveAncestry(child, index, load);

    expect(baseHint?.status).toBe('unknown');
    expect(baseHint?.name).toBe('docker.io/library/absent:1');
  });

  it('confirms a hinted name carried by an ancestor', async () => {
    const parent = testRecord('parent', [A], { tags: ['docker.io/library/base:1'] });
    const annotations = { [BASE_NAME_ANNOTATION]: 'docker.io/library/base:1' };
    const child = testRecord('child', [A, B], { annotations });
    const { index, load } = await setUp([parent, child]);

    const { baseHint } = await deriveAncestry(child, index, load);

    expect(baseHint).toEqual({ name: 'docker.io/library/base:1', status: 'confirmed' });
  });
});

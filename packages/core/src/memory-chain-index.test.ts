import { describe, expect, it } from 'vitest';

import { InMemoryChainIndex } from './memory-chain-index.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const CHAIN = `sha256:${'c'.repeat(64)}`;

describe('InMemoryChainIndex', () => {
  it('returns images per query in ascending order', async () => {
    const index = new InMemoryChainIndex();
    await index.add(B, [{ kind: 'blob', chainId: CHAIN }]);
    await index.add(A, [{ kind: 'blob', chainId: CHAIN }]);

    const found = await index.lookup([
      { kind: 'blob', chainId: CHAIN },
      { kind: 'diffId', chainId: CHAIN },
    ]);

    expect(found).toEqual([[A, B], []]);
  });

  it('ignores repeated adds and missing removes', async () => {
    const index = new InMemoryChainIndex();
    await index.add(A, [{ kind: 'diffId', chainId: CHAIN }]);
    await index.add(A, [{ kind: 'diffId', chainId: CHAIN }]);
    await index.remove(B, [{ kind: 'diffId', chainId: CHAIN }]);

    expect(await index.size()).toBe(1);
  });

  it('removes and clears entries', async () => {
    const index = new InMemoryChainIndex();
    await index.add(A, [{ kind: 'blob', chainId: CHAIN }]);
    await index.add(B, [{ kind: 'blob', chainId: CHAIN }]);
    await index.remove(A, [{ kind: 'blob', chainId: CHAIN }]);

    expect(await index.lookup([{ kind: 'blob', chainId: CHAIN }])).toEqual([[B]]);

    await index.clear();

    expect(await index.size()).toBe(0);
  });
});

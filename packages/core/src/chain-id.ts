import { createHash } from 'node:crypto';

import type { Digest, Layer } from './model/image.ts';

/**
 * Computes the chain of every prefix of an ordered list of layer identities, per the OCI image
 * spec: ChainID(L1) = id(L1) and ChainID(L1..Ln) = sha256(ChainID(L1..Ln-1) + " " + id(Ln)).
 * Element i of the result names the prefix of layers 0..i. Duplicates keep their positions.
 */
export function prefixChains(ids: readonly Digest[]): Digest[] {
  const chains: Digest[] = [];
  let previous: Digest | undefined;
  for (const id of ids) {
    previous = previous === undefined ? id : chainStep(previous, id);
    chains.push(previous);
  }

  return chains;
}

function chainStep(parentChain: Digest, id: Digest): Digest {
  return `sha256:${createHash('sha256').update(`${parentChain} ${id}`).digest('hex')}`;
}

/** Computes the chain of every prefix over the layers' compressed digests (the blob chains). */
export function blobChains(layers: readonly Layer[]): Digest[] {
  return prefixChains(layers.map((layer) => layer.digest));
}

/**
 * Computes the ChainID of every prefix over the layers' diff IDs, or returns null when any layer
 * lacks a diff ID, because a partial chain would name no prefix.
 */
export function diffIdChains(layers: readonly Layer[]): Digest[] | null {
  const ids: Digest[] = [];
  for (const layer of layers) {
    if (layer.diffId === undefined) {
      return null;
    }

    ids.push(layer.diffId);
  }

  return prefixChains(ids);
}

import type { Digest, Layer } from './model/image.ts';

/**
 * Diff ID of the empty tar archive (1024 zero bytes), which builders emit for steps that change
 * no file. Docker names it `DigestSHA256EmptyTar`. Sources are listed in docs/ancestry.md.
 */
export const EMPTY_TAR_DIFF_ID: Digest =
  'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

/**
 * Compressed digests of the empty tar archive as registries serve it, both 32-byte gzip streams:
 * the one of Docker's schema 1 and early schema 2 pushes, and containerd's `emptyGZLayer`, which
 * BuildKit writes. Sources are listed in docs/ancestry.md.
 */
export const EMPTY_TAR_GZIP_DIGESTS: readonly Digest[] = [
  'sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4',
  'sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1',
];

const EMPTY_LAYER_IDS = new Set<Digest>([EMPTY_TAR_DIFF_ID, ...EMPTY_TAR_GZIP_DIGESTS]);

/** Tells whether a layer is one of the well-known empty tar blobs, by diff ID or by digest. */
export function isEmptyLayer(layer: Layer): boolean {
  return (
    EMPTY_LAYER_IDS.has(layer.digest) ||
    (layer.diffId !== undefined && EMPTY_LAYER_IDS.has(layer.diffId))
  );
}

/**
 * Returns, for each position i, whether layers 0..i are all empty layers. Such a prefix is no
 * evidence of relation, so it never links two images.
 */
export function emptyPrefixFlags(layers: readonly Layer[]): boolean[] {
  const flags: boolean[] = [];
  let allEmpty = true;
  for (const layer of layers) {
    allEmpty = allEmpty && isEmptyLayer(layer);
    flags.push(allEmpty);
  }

  return flags;
}

import type { Digest } from '@strata/core';

/** A manifest or index as fetched, with the digest of its exact bytes. */
export interface FetchedManifest {
  /** `sha256:` digest of `body`, checked against the requested digest when there was one. */
  digest: Digest;
  /** Media type from the response or the descriptor; may be absent in an OCI layout. */
  mediaType: string | undefined;
  body: Uint8Array;
}

/**
 * Source of image metadata: a registry repository, an OCI layout directory or the entries of a
 * tarball. Implementations check every digest they are given.
 */
export interface ContentSource {
  /** Fetches a manifest or index by tag or digest. Raises `NOT_FOUND` when there is none. */
  fetchManifest(reference: string): Promise<FetchedManifest>;
  /** Fetches a small blob (an image config) by digest. Raises `NOT_FOUND` when there is none. */
  fetchBlob(digest: Digest): Promise<Uint8Array>;
}

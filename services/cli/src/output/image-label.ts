import type { Digest } from '@strata/core';

/** Hex digits of a digest shown in human output; enough to tell images apart in practice. */
const SHORT_HEX = 12;

/** Shortens `sha256:<64 hex>` to `sha256:<12 hex>` for human output. */
export function shortDigest(digest: Digest): string {
  const [algorithm = '', hex = ''] = digest.split(':');

  return `${algorithm}:${hex.slice(0, SHORT_HEX)}`;
}

/** Labels an image as its short digest and first tag, with the count of further tags. */
export function imageLabel(digest: Digest, tags: readonly string[] = []): string {
  const [first] = tags;
  if (first === undefined) return shortDigest(digest);

  const more = tags.length > 1 ? ` (+${tags.length - 1} tags)` : '';

  return `${shortDigest(digest)}  ${first}${more}`;
}

import { describeValue, parseDigest, StrataError, type Digest } from '@strata/core';

/** A parsed `host[:port]/repository[:tag][@digest]` reference. */
export interface ImageReference {
  /** Registry host with its port, such as `127.0.0.1:5000`. */
  registry: string;
  /** Repository path, such as `library/python`. */
  repository: string;
  tag?: string;
  digest?: Digest;
}

const HOST =
  /^(?:localhost|[a-zA-Z0-9.-]*[.][a-zA-Z0-9.-]*|\[[0-9a-fA-F:]+\]|[a-zA-Z0-9.-]+)(?::[0-9]{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

function invalid(text: string, reason: string): StrataError {
  return new StrataError(
    'INVALID_CONFIG',
    `image reference ${describeValue(text)}: ${reason}; expected host[:port]/repository[:tag][@digest]`,
    { details: { field: 'reference', value: describeValue(text) } },
  );
}

function isRegistryHost(component: string): boolean {
  return component === 'localhost' || component.includes('.') || component.includes(':');
}

/**
 * Parses an image reference that names its registry explicitly. There is no default registry,
 * so `python:3.12` is rejected rather than sent to a public registry. Raises `INVALID_CONFIG`
 * naming the reference and the part that is wrong.
 */
export function parseImageReference(text: string): ImageReference {
  const [name = '', digestText, ...rest] = text.split('@');
  if (rest.length > 0) throw invalid(text, 'more than one @');

  const slash = name.indexOf('/');
  const registry = slash === -1 ? '' : name.slice(0, slash);
  if (!isRegistryHost(registry) || !HOST.test(registry)) {
    throw invalid(text, 'missing registry host');
  }

  let path = name.slice(slash + 1);
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon !== -1) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(text, `invalid tag ${describeValue(tag)}`);
  }

  if (path === '' || !path.split('/').every((part) => PATH_COMPONENT.test(part))) {
    throw invalid(text, `invalid repository ${describeValue(path)}`);
  }

  const reference: ImageReference = { registry, repository: path };
  if (tag !== undefined) reference.tag = tag;
  if (digestText !== undefined) reference.digest = parseDigest(digestText, 'reference digest');
  if (tag === undefined && digestText === undefined) reference.tag = 'latest';

  return reference;
}

/** Returns the tag or digest to request the manifest by: the digest when both are given. */
export function manifestReference(reference: ImageReference): string {
  return reference.digest ?? reference.tag ?? 'latest';
}

/** Formats a reference back to text, the tag form when there is a tag. */
export function formatReference(reference: ImageReference, withDigest = false): string {
  const base = `${reference.registry}/${reference.repository}`;
  const tag = reference.tag === undefined ? '' : `:${reference.tag}`;
  const digest = withDigest && reference.digest !== undefined ? `@${reference.digest}` : '';

  return `${base}${tag}${digest}`;
}

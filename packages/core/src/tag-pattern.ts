/**
 * Tells whether a tag matches a glob pattern in which `*` matches any run of characters,
 * including `/` and `:`, and every other character matches itself.
 */
export function matchesTagPattern(pattern: string, tag: string): boolean {
  const parts = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));

  return new RegExp(`^${parts.join('.*')}$`, 's').test(tag);
}

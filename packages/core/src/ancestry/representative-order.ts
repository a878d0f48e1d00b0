import type { MatchedBy } from './prefix-match.ts';

/** An image found at one level of another image's ancestry. */
export interface LevelMember {
  digest: string;
  tags: readonly string[];
  markedBase: boolean;
  matchedBy: MatchedBy;
}

/**
 * Orders the images of one level, representative first: a user-marked base, then a diff-ID
 * match over a layer-digest match, then an image with tags over one without, then the lowest
 * digest. Every key is a property of the stored images, so arrival order never changes the pick.
 */
export function compareLevelMembers(a: LevelMember, b: LevelMember): number {
  return (
    Number(b.markedBase) - Number(a.markedBase) ||
    Number(b.matchedBy === 'diffId') - Number(a.matchedBy === 'diffId') ||
    Number(b.tags.length > 0) - Number(a.tags.length > 0) ||
    compareText(a.digest, b.digest)
  );
}

function compareText(a: string, b: string): number {
  if (a === b) {
    return 0;
  }

  return a < b ? -1 : 1;
}

import type { Ancestry } from '../ancestry/derive-ancestry.ts';
import type { ComparisonRelation } from '../events/base-comparison-event.ts';
import type { Digest } from '../model/image.ts';

/** The image to compare against. `default` is the nearest marked base, else the base. */
export type ComparisonRequest =
  | { relation: 'default' }
  | { relation: 'parent' }
  | { relation: 'base' }
  | { relation: 'ancestor'; digest: Digest }
  | { relation: 'image'; digest: Digest };

export type ComparisonTarget = {
  digest: Digest;
  relation: ComparisonRelation;
};

/**
 * Picks the comparison image of an image from its ancestry. Returns null when there is none: no
 * ancestor for `default`, `parent` and `base`, or a requested ancestor that is not one. A
 * requested `image` is returned as is; the caller checks that it is stored.
 */
export function chooseComparisonImage(
  ancestry: Ancestry,
  request: ComparisonRequest = { relation: 'default' },
): ComparisonTarget | null {
  switch (request.relation) {
    case 'default': {
      const marked = ancestry.ancestors.find((ancestor) => ancestor.markedBase === true);
      if (marked !== undefined) {
        return { digest: marked.digest, relation: 'marked-base' };
      }

      return ancestry.base === null ? null : { digest: ancestry.base.digest, relation: 'base' };
    }
    case 'parent':
      return ancestry.parent === null
        ? null
        : { digest: ancestry.parent.digest, relation: 'parent' };
    case 'base':
      return ancestry.base === null ? null : { digest: ancestry.base.digest, relation: 'base' };
    case 'ancestor': {
      const found = ancestry.ancestors.some((ancestor) => ancestor.digest === request.digest);

      return found ? { digest: request.digest, relation: 'ancestor' } : null;
    }
    case 'image':
      return { digest: request.digest, relation: 'image' };
  }
}

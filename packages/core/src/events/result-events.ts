import type { Ancestry } from '../ancestry/derive-ancestry.ts';
import type { BaseComparison } from '../comparison/compare-findings.ts';
import type { AncestryEvent } from './ancestry-event.ts';
import type { BaseComparisonEvent } from './base-comparison-event.ts';

/** Version fields every published result carries. */
export interface ResultVersionFields {
  /** Increases with every new result for the image. */
  version: number;
  /** True when the result comes from a replay. */
  replay?: boolean;
}

/** Wraps an ancestry into an `image.ancestry` event body. */
export function toAncestryEvent(ancestry: Ancestry, version: ResultVersionFields): AncestryEvent {
  const event: AncestryEvent = { schemaVersion: 1, version: version.version, ...ancestry };
  if (version.replay === true) event.replay = true;

  return event;
}

/** Wraps a comparison into an `image.base-comparison` event body. */
export function toBaseComparisonEvent(
  comparison: BaseComparison,
  version: ResultVersionFields,
): BaseComparisonEvent {
  const event: BaseComparisonEvent = { schemaVersion: 1, version: version.version, ...comparison };
  if (version.replay === true) event.replay = true;

  return event;
}

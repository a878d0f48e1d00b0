/** Topic names and CloudEvents types of every event, keyed by the event's short name. */
export const EVENT_TYPES = {
  analyzed: { topic: 'image.analyzed', type: 'dev.strata.image.analyzed.v1' },
  ancestry: { topic: 'image.ancestry', type: 'dev.strata.image.ancestry.v1' },
  baseComparison: { topic: 'image.base-comparison', type: 'dev.strata.image.base-comparison.v1' },
  indexed: { topic: 'image.indexed', type: 'dev.strata.image.indexed.v1' },
  deleted: { topic: 'image.deleted', type: 'dev.strata.image.deleted.v1' },
  baseMarked: { topic: 'image.base-marked', type: 'dev.strata.image.base-marked.v1' },
  recompute: { topic: 'image.recompute', type: 'dev.strata.image.recompute.v1' },
} as const;

export type EventName = keyof typeof EVENT_TYPES;

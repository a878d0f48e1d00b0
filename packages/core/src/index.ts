export * from './errors.ts';
export type * from './model/image.ts';
export type * from './ports/chain-index.ts';
export type * from './ports/event-bus.ts';
export type * from './ports/image-store.ts';
export type * from './ports/object-store.ts';

export * from './digest.ts';
export * from './chain-id.ts';
export * from './empty-layers.ts';
export * from './limits.ts';
export * from './image-record.ts';
export * from './memory-chain-index.ts';
export * from './tag-pattern.ts';

export * from './ancestry/ancestry-queries.ts';
export * from './ancestry/base-hint.ts';
export * from './ancestry/derive-ancestry.ts';
export * from './ancestry/descendants.ts';
export * from './ancestry/prefix-match.ts';
export * from './ancestry/representative-order.ts';

export * from './comparison/choose-comparison-image.ts';
export * from './comparison/compare-findings.ts';
export * from './comparison/count-findings.ts';
export * from './comparison/finding-identity.ts';
export * from './comparison/shared-layers.ts';

export * from './events/analyzed-event.ts';
export * from './events/ancestry-event.ts';
export * from './events/base-comparison-event.ts';
export * from './events/cloud-events.ts';
export * from './events/common-schemas.ts';
export * from './events/internal-events.ts';
export * from './events/parse-event.ts';
export * from './events/result-events.ts';
export * from './events/topics.ts';

export * from './processing/latest-analyses.ts';
export * from './processing/process-analyses.ts';

export * from './converters/anchore-policy-evaluation.ts';
export * from './converters/anchore-vulnerabilities.ts';
export * from './converters/convert-options.ts';
export * from './converters/convert-report.ts';
export * from './converters/grype-report.ts';
export * from './converters/syft-sbom.ts';
export * from './converters/trivy-report.ts';

export * from './model/analysis-time.ts';
export type * from './ports/result-version-store.ts';
export * from './events/json-schemas.ts';

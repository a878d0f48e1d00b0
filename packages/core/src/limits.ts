/**
 * Bounds on accepted input. Each value and the reason for it are listed in docs/limits.md; an
 * event over a bound is rejected with `LIMIT_EXCEEDED` naming the field.
 */
export const LIMITS = {
  /** Layers per image. */
  maxLayersPerImage: 512,
  /** Vulnerability findings per image, inline or in an analysis document. */
  maxVulnerabilitiesPerImage: 100_000,
  /** Policy findings per image. */
  maxPolicyFindingsPerImage: 50_000,
  /** Tags per image. */
  maxTagsPerImage: 1_000,
  /** Annotations per image. */
  maxAnnotations: 256,
  /** Characters of an annotation value. */
  maxAnnotationValueLength: 8_192,
  /** Characters of a tag, key or other short identifier. */
  maxShortStringLength: 1_024,
  /** Characters of a free-text field such as a policy message. */
  maxTextLength: 16_384,
  /** Fix versions listed per vulnerability. */
  maxFixVersions: 64,
  /** Characters of one NDJSON line read by the offline command. */
  maxLineLength: 64 * 1024 * 1024,
} as const;

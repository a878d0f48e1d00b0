import { z } from 'zod';

import { digestSchema, shortString, textString, versionSchema } from './common-schemas.ts';

export const COMPARISON_STATUSES = ['inherited', 'introduced', 'inherited-unreported'] as const;

export const COMPARISON_RELATIONS = ['marked-base', 'base', 'parent', 'ancestor', 'image'] as const;

const fixSchema = z
  .object({ state: shortString, versions: z.array(shortString).optional() })
  .loose();

export const comparedVulnerabilitySchema = z
  .object({
    id: shortString,
    package: z
      .object({
        name: shortString,
        version: shortString,
        type: shortString,
        path: textString.optional(),
        purl: textString.optional(),
      })
      .loose(),
    status: z.enum(COMPARISON_STATUSES),
    severity: shortString,
    comparedSeverity: shortString.optional(),
    fix: fixSchema.optional(),
    comparedFix: fixSchema.optional(),
  })
  .loose();

export const comparedPolicyFindingSchema = z
  .object({
    gate: shortString,
    trigger: shortString,
    triggerId: shortString,
    status: z.enum(COMPARISON_STATUSES).nullable(),
    action: shortString.optional(),
  })
  .loose();

export const resolvedVulnerabilitySchema = comparedVulnerabilitySchema.omit({ status: true });

export const resolvedPolicyFindingSchema = comparedPolicyFindingSchema.omit({ status: true });

const statusCountsSchema = z
  .object({
    inherited: z.number().int().nonnegative(),
    introduced: z.number().int().nonnegative(),
    inheritedUnreported: z.number().int().nonnegative(),
    resolved: z.number().int().nonnegative(),
  })
  .loose();

/** `image.base-comparison`, version 1: each finding of an image against a comparison image. */
export const baseComparisonEventSchema = z
  .object({
    schemaVersion: z.literal(1),
    version: versionSchema,
    image: z.object({ digest: digestSchema }).loose(),
    comparedTo: z.object({ digest: digestSchema, relation: z.enum(COMPARISON_RELATIONS) }).loose(),
    vulnerabilities: z.array(comparedVulnerabilitySchema),
    policyFindings: z.array(comparedPolicyFindingSchema),
    resolved: z
      .object({
        vulnerabilities: z.array(resolvedVulnerabilitySchema),
        policyFindings: z.array(resolvedPolicyFindingSchema),
      })
      .loose(),
    counts: statusCountsSchema.extend({
      notCompared: z.number().int().nonnegative().optional(),
      bySeverity: z.record(shortString, statusCountsSchema).optional(),
    }),
    replay: z.boolean().optional(),
  })
  .loose();

export type BaseComparisonEvent = z.infer<typeof baseComparisonEventSchema>;
export type ComparedVulnerability = z.infer<typeof comparedVulnerabilitySchema>;
export type ComparedPolicyFinding = z.infer<typeof comparedPolicyFindingSchema>;
export type ResolvedVulnerability = z.infer<typeof resolvedVulnerabilitySchema>;
export type ResolvedPolicyFinding = z.infer<typeof resolvedPolicyFindingSchema>;
export type ComparisonStatus = (typeof COMPARISON_STATUSES)[number];
export type ComparisonRelation = (typeof COMPARISON_RELATIONS)[number];

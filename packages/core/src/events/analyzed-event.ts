import { z } from 'zod';

import { LIMITS } from '../limits.ts';
import { digestSchema, shortString, textString } from './common-schemas.ts';

const layerSchema = z
  .object({
    digest: digestSchema.describe('Digest of the compressed layer blob, as in the manifest.'),
    diffId: digestSchema.optional().describe('Digest of the uncompressed tar (rootfs.diff_ids).'),
    size: z.number().int().nonnegative().optional().describe('Compressed size in bytes.'),
    mediaType: shortString.optional(),
  })
  .loose();

const platformSchema = z
  .object({ os: shortString, architecture: shortString, variant: shortString.optional() })
  .loose();

export const imageDescriptionSchema = z
  .object({
    digest: digestSchema.describe('Manifest digest of one platform image.'),
    layers: z.array(layerSchema).min(1).max(LIMITS.maxLayersPerImage),
    tags: z.array(shortString).max(LIMITS.maxTagsPerImage).optional(),
    indexDigest: digestSchema.optional(),
    platform: platformSchema.optional(),
    configDigest: digestSchema.optional(),
    annotations: z
      .record(shortString, z.string().max(LIMITS.maxAnnotationValueLength))
      .superRefine((value, context) => {
        if (Object.keys(value).length > LIMITS.maxAnnotations) {
          context.addIssue({
            code: 'too_big',
            origin: 'object',
            maximum: LIMITS.maxAnnotations,
            message: `more than ${LIMITS.maxAnnotations} annotations`,
          });
        }
      })
      .optional(),
    layerDigestSource: z.enum(['manifest', 'diffId']).optional(),
  })
  .loose()
  .refine((image) => image.indexDigest === undefined || image.indexDigest !== image.digest, {
    message: 'must differ from image.digest, because an image index is not a platform image',
    path: ['indexDigest'],
  });

export const vulnerabilityPackageSchema = z
  .object({
    name: shortString,
    version: shortString,
    type: shortString,
    path: textString.optional(),
    purl: textString.optional(),
    layerDiffId: digestSchema.optional(),
    layerDigest: digestSchema.optional(),
  })
  .loose();

export const vulnerabilitySchema = z
  .object({
    id: shortString,
    severity: shortString,
    package: vulnerabilityPackageSchema,
    fix: z
      .object({
        state: shortString,
        versions: z.array(shortString).max(LIMITS.maxFixVersions).optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

export const policyFindingSchema = z
  .object({
    gate: shortString,
    trigger: shortString,
    triggerId: shortString,
    action: shortString.optional(),
    message: textString.optional(),
  })
  .loose();

export const analysisRefSchema = z
  .object({
    uri: textString.describe('Location of the analysis document, such as s3://bucket/key.'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits')
      .describe('Hex SHA-256 of the document bytes.'),
  })
  .loose();

/** The findings part of an analysis, as carried inline or in an analysis document. */
export const analysisFindingsSchema = z
  .object({
    vulnerabilities: z.array(vulnerabilitySchema).max(LIMITS.maxVulnerabilitiesPerImage).optional(),
    policyFindings: z.array(policyFindingSchema).max(LIMITS.maxPolicyFindingsPerImage).optional(),
  })
  .loose();

/** `image.analyzed`, version 1: what a scanner or CI pipeline found in one image. */
export const analyzedEventSchema = z
  .object({
    schemaVersion: z.literal(1),
    analyzedAt: z.iso.datetime({ offset: true }),
    image: imageDescriptionSchema,
    vulnerabilities: analysisFindingsSchema.shape.vulnerabilities,
    policyFindings: analysisFindingsSchema.shape.policyFindings,
    analysisRef: analysisRefSchema.optional(),
  })
  .loose()
  .refine(
    (event) =>
      event.analysisRef === undefined ||
      (event.vulnerabilities === undefined && event.policyFindings === undefined),
    { message: 'analysisRef and inline findings are mutually exclusive', path: ['analysisRef'] },
  );

export type AnalyzedEvent = z.infer<typeof analyzedEventSchema>;
export type AnalysisFindings = z.infer<typeof analysisFindingsSchema>;

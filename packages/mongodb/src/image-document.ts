import { analysisTimeKey } from '@strata/core';
import type { ImageDescription, ImageRecord, PolicyFinding, Vulnerability } from '@strata/core';

/**
 * One image as stored in MongoDB. Findings are stored as JSON text because scanners put keys with
 * dots and `$` into them, which FerretDB rejects as field names, and because MongoDB never queries
 * them. Annotations become key-value pairs for the same reason.
 */
export interface ImageDocument {
  _id: string;
  image: Omit<ImageDescription, 'annotations'> & { annotations: AnnotationPair[] };
  blobChains: string[];
  diffIdChains: string[] | null;
  /** `analysisTimeKey` of the analysis time: fixed-width UTC, so it sorts as text. */
  analyzedAt: string;
  /** The analysis time as the producer wrote it. */
  analyzedAtText: string;
  vulnerabilitiesJson: string;
  policyFindingsJson: string;
  hasPolicyEvaluation: boolean;
  hasVulnerabilityScan?: boolean;
  markedBase: boolean;
  archive?: { key: string; sha256: string };
}

interface AnnotationPair {
  key: string;
  value: string;
}

export function toImageDocument(record: ImageRecord): ImageDocument {
  const { image, analyzedAt, vulnerabilities, policyFindings, ...rest } = record;

  return {
    ...rest,
    _id: image.digest,
    image: {
      ...image,
      annotations: Object.entries(image.annotations).map(([key, value]) => ({ key, value })),
    },
    analyzedAt: analysisTimeKey(analyzedAt),
    analyzedAtText: analyzedAt,
    vulnerabilitiesJson: JSON.stringify(vulnerabilities),
    policyFindingsJson: JSON.stringify(policyFindings),
  };
}

export function fromImageDocument(document: ImageDocument): ImageRecord {
  const record: Partial<ImageDocument> = { ...document };
  delete record._id;
  delete record.analyzedAt;
  delete record.analyzedAtText;
  delete record.vulnerabilitiesJson;
  delete record.policyFindingsJson;
  const { image } = document;

  return {
    ...(record as Omit<ImageDocument, 'image'>),
    image: {
      ...image,
      annotations: Object.fromEntries(image.annotations.map((pair) => [pair.key, pair.value])),
    },
    analyzedAt: document.analyzedAtText,
    // The store wrote these itself from typed values, so they are trusted.
    vulnerabilities: JSON.parse(document.vulnerabilitiesJson) as Vulnerability[],
    policyFindings: JSON.parse(document.policyFindingsJson) as PolicyFinding[],
  };
}

import { analysisTimeKey, StrataError } from '@strata/core';
import type { ImageDescription, ImageRecord, PolicyFinding, Vulnerability } from '@strata/core';
import { BSON } from 'mongodb';

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

/** Largest BSON document MongoDB and FerretDB store: 16 MiB (`maxBsonObjectSize`). */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/**
 * Throws a non-retryable `LIMIT_EXCEEDED` when a document is over `MAX_DOCUMENT_BYTES`. The server
 * or the driver would reject it with an error that looks like any other failure, so every retry
 * would fail the same way.
 */
export function checkDocumentSize(document: ImageDocument): void {
  const bytes = BSON.calculateObjectSize(document);
  if (bytes > MAX_DOCUMENT_BYTES) {
    const message = `image ${document._id} needs a ${bytes}-byte document, over the MongoDB limit of ${MAX_DOCUMENT_BYTES} bytes, because its findings are too large to store`;
    throw new StrataError('LIMIT_EXCEEDED', message, {
      details: { imageDigest: document._id, bytes, maxBytes: MAX_DOCUMENT_BYTES },
    });
  }
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

/** `sha256:` followed by 64 lowercase hex digits, or `sha512:` followed by 128. */
export type Digest = string;

/** Layer identity a chain is computed over. */
export type ChainKind = 'diffId' | 'blob';

export interface Layer {
  /** Digest of the compressed blob, as listed in the manifest. */
  digest: Digest;
  /** Digest of the uncompressed tar, from the config's `rootfs.diff_ids`. */
  diffId?: Digest;
  /** Compressed size in bytes. */
  size?: number;
  mediaType?: string;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface VulnerabilityPackage {
  name: string;
  version: string;
  type: string;
  path?: string;
  purl?: string;
  /** Diff ID of the layer the scanner found the package in. */
  layerDiffId?: Digest;
  /** Compressed digest of that layer, when the scanner reports it instead of or beside the diff ID. */
  layerDigest?: Digest;
}

export interface Vulnerability {
  id: string;
  severity: string;
  package: VulnerabilityPackage;
  fix?: { state: string; versions?: string[] };
}

export interface PolicyFinding {
  gate: string;
  trigger: string;
  triggerId: string;
  action?: string;
  message?: string;
}

export interface ImageDescription {
  digest: Digest;
  layers: Layer[];
  tags: string[];
  indexDigest?: Digest;
  platform?: Platform;
  configDigest?: Digest;
  annotations: Record<string, string>;
  /**
   * Where `layers[].digest` came from: `manifest` (the compressed blob digests, the default) or
   * `diffId` when the producer knew only diff IDs and copied them into `digest`.
   */
  layerDigestSource?: 'manifest' | 'diffId';
}

/**
 * One stored image: what the latest accepted analysis reported about it, plus its prefix chains.
 * `blobChains[i]` is the chain over the layer digests of layers 0..i; `diffIdChains[i]` the same
 * over diff IDs, or null when any layer lacks a diff ID.
 */
export interface ImageRecord {
  image: ImageDescription;
  blobChains: Digest[];
  diffIdChains: Digest[] | null;
  /** Analysis time of the stored analysis, ISO 8601; an older analysis never replaces it. */
  analyzedAt: string;
  vulnerabilities: Vulnerability[];
  policyFindings: PolicyFinding[];
  /** False when the analysis carried no policy evaluation at all, as opposed to an empty one. */
  hasPolicyEvaluation: boolean;
  /**
   * False when the analysis carried no vulnerability scan at all (an SBOM only), as opposed to a
   * scan that found nothing. Absent means true.
   */
  hasVulnerabilityScan?: boolean;
  /** True when a user declared this image a base, by tag pattern or by event. */
  markedBase: boolean;
  /** Location of the archived analysis document in the object store, when archived. */
  archive?: { key: string; sha256: string };
}

import { blobChains, diffIdChains } from './chain-id.ts';
import type { AnalysisFindings, AnalyzedEvent } from './events/analyzed-event.ts';
import type { IndexedChain } from './ports/chain-index.ts';
import type {
  ImageDescription,
  ImageRecord,
  Layer,
  PolicyFinding,
  Vulnerability,
} from './model/image.ts';

/**
 * Builds the stored record of an analyzed image: its description, both prefix chain lists and
 * its findings. `findings` replaces the inline findings when the event carries an `analysisRef`.
 * `markedBase` starts false; the store keeps a user's mark across analyses.
 */
export function toImageRecord(event: AnalyzedEvent, findings?: AnalysisFindings): ImageRecord {
  const source = findings ?? event;
  const image = toImageDescription(event.image);

  return {
    image,
    blobChains: blobChains(image.layers),
    diffIdChains: diffIdChains(image.layers),
    analyzedAt: event.analyzedAt,
    vulnerabilities: (source.vulnerabilities ?? []).map(toVulnerability),
    policyFindings: (source.policyFindings ?? []).map(toPolicyFinding),
    hasPolicyEvaluation: source.policyFindings !== undefined,
    hasVulnerabilityScan: source.vulnerabilities !== undefined,
    markedBase: false,
  };
}

function toImageDescription(image: AnalyzedEvent['image']): ImageDescription {
  const description: ImageDescription = {
    digest: image.digest,
    layers: image.layers.map(toLayer),
    tags: [...new Set(image.tags ?? [])].sort(),
    annotations: { ...image.annotations },
  };
  if (image.indexDigest !== undefined) description.indexDigest = image.indexDigest;
  if (image.platform !== undefined) description.platform = { ...image.platform };
  if (image.configDigest !== undefined) description.configDigest = image.configDigest;
  if (image.layerDigestSource !== undefined) {
    description.layerDigestSource = image.layerDigestSource;
  }

  return description;
}

function toLayer(layer: AnalyzedEvent['image']['layers'][number]): Layer {
  const result: Layer = { digest: layer.digest };
  if (layer.diffId !== undefined) result.diffId = layer.diffId;
  if (layer.size !== undefined) result.size = layer.size;
  if (layer.mediaType !== undefined) result.mediaType = layer.mediaType;

  return result;
}

function toVulnerability(finding: NonNullable<AnalyzedEvent['vulnerabilities']>[number]) {
  const { name, version, type, path, purl, layerDiffId, layerDigest } = finding.package;
  const vulnerability: Vulnerability = {
    id: finding.id,
    severity: finding.severity,
    package: dropUndefined({ name, version, type, path, purl, layerDiffId, layerDigest }),
  };
  if (finding.fix !== undefined) {
    vulnerability.fix = dropUndefined({ state: finding.fix.state, versions: finding.fix.versions });
  }

  return vulnerability;
}

function toPolicyFinding(finding: NonNullable<AnalyzedEvent['policyFindings']>[number]) {
  const { gate, trigger, triggerId, action, message } = finding;

  return dropUndefined({ gate, trigger, triggerId, action, message }) satisfies PolicyFinding;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter((entry) => entry[1] !== undefined)) as T;
}

/** Returns the full chains of a record, the keys it is stored under in the chain index. */
export function indexedChains(record: ImageRecord): IndexedChain[] {
  const chains: IndexedChain[] = [];
  const blob = record.blobChains.at(-1);
  if (blob !== undefined) chains.push({ kind: 'blob', chainId: blob });
  const diffId = record.diffIdChains?.at(-1);
  if (diffId !== undefined) chains.push({ kind: 'diffId', chainId: diffId });

  return chains;
}

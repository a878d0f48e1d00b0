import { prefixChains } from '@strata/core';
import type { Digest, ImageRecord, Layer, Vulnerability } from '@strata/core';
import { SeededRandom } from './seeded-random.ts';

/** What an image is in its family tree. */
export type ImageRole = 'base' | 'runtime' | 'application' | 'alias';

/** One generated image and the relations the generator gave it. */
export interface GeneratedImage {
  record: ImageRecord;
  role: ImageRole;
  /** Number of the family tree, from 0. */
  tree: number;
  /** The image it was built on; for an alias, the image it copies. Null for a base. */
  builtOn: Digest | null;
}

export interface FamilyOptions {
  /** Images to generate in all. */
  images: number;
  seed: number;
  /** Images per family tree (one base with its runtimes and applications). Default 1000. */
  imagesPerTree?: number;
  /** Share of images whose analysis reports diff IDs. Default 0.7. */
  diffIdShare?: number;
  /** Share of images that copy another image's layers under a new digest. Default 0.05. */
  aliasShare?: number;
  /** Generate vulnerability findings that children inherit. Default false. */
  withFindings?: boolean;
}

/** Layer counts: bases 3 to 6, runtimes add 2 to 10, applications 1 to 20, at most 60. */
const BASE_LAYERS = [3, 6] as const;
const RUNTIME_LAYERS = [2, 10] as const;
const APPLICATION_LAYERS = [1, 20] as const;
const MAX_LAYERS = 60;
/** Share of a tree's images that are runtimes; the rest are applications and aliases. */
const RUNTIME_SHARE = 0.03;
const ANALYZED_AT = '2026-11-30T12:00:00Z';

/** A generated image with every layer's diff ID, so children can extend its chains. */
interface TreeNode {
  generated: GeneratedImage;
  layers: Required<Pick<Layer, 'digest' | 'diffId'>>[];
  blobChains: Digest[];
  diffIdChains: Digest[];
  vulnerabilities: Vulnerability[];
}

/**
 * Generates images of realistic shape, tree by tree: a base, runtimes built on it, and
 * applications built on a runtime (70 %), on the base (10 %) or on another application (20 %).
 * Aliases (retags and mirrors) copy any of them. Parents always come before their children, and
 * the same options always give the same images. Only one tree is in memory at a time.
 */
export function* generateImages(options: FamilyOptions): Generator<GeneratedImage> {
  const random = new SeededRandom(options.seed);
  const perTree = options.imagesPerTree ?? 1000;
  let remaining = options.images;
  for (let tree = 0; remaining > 0; tree += 1) {
    const size = Math.min(perTree, remaining);
    yield* generateTree(random, options, tree, size);
    remaining -= size;
  }
}

function* generateTree(
  random: SeededRandom,
  options: FamilyOptions,
  tree: number,
  size: number,
): Generator<GeneratedImage> {
  const base = buildNode(random, options, tree, 'base', null, random.integer(...BASE_LAYERS));
  const nodes: TreeNodes = { base, runtimes: [], applications: [], all: [base] };
  const runtimeCount = Math.max(1, Math.round(size * RUNTIME_SHARE));
  yield base.generated;
  for (let count = 1; count < size; count += 1) {
    const node = nextNode(random, options, tree, nodes, runtimeCount);
    if (node.generated.role === 'runtime') nodes.runtimes.push(node);
    if (node.generated.role === 'application') nodes.applications.push(node);
    nodes.all.push(node);
    yield node.generated;
  }
}

function nextNode(
  random: SeededRandom,
  options: FamilyOptions,
  tree: number,
  nodes: TreeNodes,
  runtimeCount: number,
): TreeNode {
  const needsRuntime = nodes.runtimes.length === 0;
  const addsRuntime = nodes.runtimes.length < runtimeCount && random.chance(0.5);
  if (needsRuntime || addsRuntime) {
    return buildNode(
      random,
      options,
      tree,
      'runtime',
      nodes.base,
      random.integer(...RUNTIME_LAYERS),
    );
  }

  if (random.chance(options.aliasShare ?? 0.05)) {
    return aliasNode(random, options, tree, random.pick(nodes.all));
  }

  const parent = pickParent(random, nodes);
  const added = random.integer(...APPLICATION_LAYERS);

  return buildNode(random, options, tree, 'application', parent, added);
}

interface TreeNodes {
  base: TreeNode;
  runtimes: TreeNode[];
  applications: TreeNode[];
  all: TreeNode[];
}

function pickParent(random: SeededRandom, nodes: TreeNodes): TreeNode {
  const draw = random.next();
  let parent: TreeNode = nodes.base;
  if (draw < 0.7 && nodes.runtimes.length > 0) parent = random.pick(nodes.runtimes);
  else if (draw >= 0.8 && nodes.applications.length > 0) parent = random.pick(nodes.applications);

  return parent.layers.length < MAX_LAYERS ? parent : nodes.base;
}

function buildNode(
  random: SeededRandom,
  options: FamilyOptions,
  tree: number,
  role: ImageRole,
  parent: TreeNode | null,
  added: number,
): TreeNode {
  const inherited = parent?.layers ?? [];
  const count = Math.max(1, Math.min(added, MAX_LAYERS - inherited.length));
  const own = Array.from({ length: count }, () => ({
    digest: random.digest(),
    diffId: random.digest(),
  }));
  const blobChains = extendChains(
    parent?.blobChains ?? [],
    own.map((layer) => layer.digest),
  );
  const diffIdChains = extendChains(
    parent?.diffIdChains ?? [],
    own.map((layer) => layer.diffId),
  );
  const vulnerabilities = options.withFindings
    ? [...(parent?.vulnerabilities ?? []), ...newFindings(random, own[0]?.diffId ?? '')]
    : [];

  return finishNode(random, options, {
    tree,
    role,
    builtOn: parent?.generated.record.image.digest ?? null,
    layers: [...inherited, ...own],
    blobChains,
    diffIdChains,
    vulnerabilities,
  });
}

function aliasNode(
  random: SeededRandom,
  options: FamilyOptions,
  tree: number,
  original: TreeNode,
): TreeNode {
  return finishNode(random, options, {
    tree,
    role: 'alias',
    builtOn: original.generated.record.image.digest,
    layers: original.layers,
    blobChains: original.blobChains,
    diffIdChains: original.diffIdChains,
    vulnerabilities: original.vulnerabilities,
  });
}

type NodeParts = Omit<TreeNode, 'generated'> & Omit<GeneratedImage, 'record'>;

function finishNode(random: SeededRandom, options: FamilyOptions, parts: NodeParts): TreeNode {
  const digest = random.digest();
  const reportsDiffIds = random.chance(options.diffIdShare ?? 0.7);
  const layers: Layer[] = parts.layers.map((layer) =>
    reportsDiffIds ? { digest: layer.digest, diffId: layer.diffId } : { digest: layer.digest },
  );
  const record: ImageRecord = {
    image: {
      digest,
      layers,
      tags: [`registry.example/tree-${parts.tree}/${parts.role}:${digest.slice(7, 15)}`],
      annotations: {},
      platform: { os: 'linux', architecture: 'amd64' },
    },
    blobChains: parts.blobChains,
    diffIdChains: reportsDiffIds ? parts.diffIdChains : null,
    analyzedAt: ANALYZED_AT,
    vulnerabilities: parts.vulnerabilities,
    policyFindings: [],
    hasPolicyEvaluation: false,
    hasVulnerabilityScan: true,
    markedBase: false,
  };
  const generated = { record, role: parts.role, tree: parts.tree, builtOn: parts.builtOn };

  return { ...parts, generated };
}

function extendChains(parentChains: readonly Digest[], ids: readonly Digest[]): Digest[] {
  const last = parentChains.at(-1);
  const added = last === undefined ? prefixChains(ids) : prefixChains([last, ...ids]).slice(1);

  return [...parentChains, ...added];
}

function newFindings(random: SeededRandom, layerDiffId: Digest): Vulnerability[] {
  return Array.from({ length: random.integer(0, 3) }, () => {
    const id = `CVE-2026-${random.integer(1000, 99_999)}`;

    return {
      id,
      severity: random.pick(['Low', 'Medium', 'High', 'Critical']),
      package: { name: `pkg-${id.slice(9)}`, version: '1.0.0', type: 'deb', layerDiffId },
    };
  });
}

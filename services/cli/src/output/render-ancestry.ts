import type { Ancestor, AncestryEvent } from '@strata/core';

/** An ancestry as published or as derived by a query, which has no version. */
export type AncestryView = Pick<
  AncestryEvent,
  'image' | 'ancestors' | 'parent' | 'base' | 'aliases' | 'baseHint'
>;

import { imageLabel, shortDigest } from './image-label.ts';

/** One level of the tree: the ancestors with the same matched layer count. */
interface Level {
  matchedLayers: number;
  members: Ancestor[];
}

function levelsBaseFirst(ancestors: readonly Ancestor[]): Level[] {
  const levels = new Map<number, Ancestor[]>();
  for (const ancestor of ancestors) {
    const members = levels.get(ancestor.matchedLayers) ?? [];
    members.push(ancestor);
    levels.set(ancestor.matchedLayers, members);
  }

  return [...levels.entries()]
    .sort(([a], [b]) => a - b)
    .map(([matchedLayers, members]) => ({ matchedLayers, members }));
}

function levelLine(level: Level, ancestry: AncestryView): string {
  const [first, ...others] = level.members;
  if (first === undefined) return '';

  const roles: string[] = [];
  if (ancestry.base?.digest === first.digest) roles.push('base');
  if (ancestry.parent?.digest === first.digest) roles.push('parent');
  if (first.markedBase === true) roles.push('marked base');
  const plural = level.matchedLayers === 1 ? 'layer' : 'layers';
  const facts = [...roles, `${level.matchedLayers} ${plural} by ${first.matchedBy}`].join(', ');
  const also =
    others.length > 0
      ? `; same layers: ${others.map((o) => shortDigest(o.digest)).join(', ')}`
      : '';

  return `${imageLabel(first.digest, first.tags)}  [${facts}${also}]`;
}

/**
 * Renders an ancestry as a tree from the base down to the image, one level per line, followed by
 * the aliases and the base hint check. An image without ancestors is a single line.
 */
export function renderAncestry(ancestry: AncestryView): string {
  const lines: string[] = [];
  const levels = levelsBaseFirst(ancestry.ancestors);
  levels.forEach((level, depth) => {
    lines.push(`${treePrefix(depth)}${levelLine(level, ancestry)}`);
  });
  const self = `${imageLabel(ancestry.image.digest, ancestry.image.tags)}  [image]`;
  lines.push(`${treePrefix(levels.length)}${self}`);
  if (levels.length === 0) lines.push('  no ancestors stored');
  if (ancestry.aliases.length > 0) {
    lines.push(
      `  aliases: ${ancestry.aliases.map((alias) => shortDigest(alias.digest)).join(', ')}`,
    );
  }

  const hint = ancestry.baseHint;
  if (hint !== undefined) {
    lines.push(`  base annotation ${hint.name ?? hint.digest ?? ''}: ${hint.status}`);
  }

  return `${lines.join('\n')}\n`;
}

/** Returns the indentation and branch of a tree line at `depth`, 0 being the root. */
export function treePrefix(depth: number): string {
  return depth === 0 ? '' : `${'   '.repeat(depth - 1)}└─ `;
}

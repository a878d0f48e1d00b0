import type { AncestryEvent } from '@strata/core';

import { imageLabel } from '../output/image-label.ts';
import { renderTree } from '../output/render-tree.ts';

/**
 * Renders the ancestry results of many images as a forest: each image under its parent, roots
 * (images without a parent) first, children in tag order. Aliases are listed on their line.
 */
export function renderForest(results: readonly AncestryEvent[]): string {
  const children = new Map<string, AncestryEvent[]>();
  const roots: AncestryEvent[] = [];
  for (const result of results) {
    const parent = result.parent?.digest;
    if (parent === undefined) {
      roots.push(result);
      continue;
    }

    children.set(parent, [...(children.get(parent) ?? []), result]);
  }

  const byTag = (a: AncestryEvent, b: AncestryEvent) =>
    (a.image.tags[0] ?? a.image.digest).localeCompare(b.image.tags[0] ?? b.image.digest);
  const label = (result: AncestryEvent) => {
    const layers = result.ancestors[0]?.matchedLayers;
    const plural = layers === 1 ? 'layer' : 'layers';
    const matched = layers === undefined ? '' : `  (${layers} ${plural} shared with parent)`;
    const aliases = result.aliases.length > 0 ? `  aliases: ${result.aliases.length}` : '';

    return `${imageLabel(result.image.digest, result.image.tags)}${matched}${aliases}`;
  };
  const lines = renderTree(roots.sort(byTag), {
    children: (result) => (children.get(result.image.digest) ?? []).sort(byTag),
    label,
  });

  return `${lines.join('\n')}\n`;
}

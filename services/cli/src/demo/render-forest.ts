import type { AncestryEvent } from '@strata/core';

import { imageLabel } from '../output/image-label.ts';
import { treePrefix } from '../output/render-ancestry.ts';

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
  const lines: string[] = [];
  const visit = (result: AncestryEvent, depth: number) => {
    const layers = result.ancestors[0]?.matchedLayers;
    const plural = layers === 1 ? 'layer' : 'layers';
    const matched = layers === undefined ? '' : `  (${layers} ${plural} shared with parent)`;
    const aliases = result.aliases.length > 0 ? `  aliases: ${result.aliases.length}` : '';
    lines.push(
      `${treePrefix(depth)}${imageLabel(result.image.digest, result.image.tags)}${matched}${aliases}`,
    );
    for (const child of (children.get(result.image.digest) ?? []).sort(byTag))
      visit(child, depth + 1);
  };
  for (const root of roots.sort(byTag)) visit(root, 0);

  return `${lines.join('\n')}\n`;
}

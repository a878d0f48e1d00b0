import type { Digest } from '@strata/core';

import { imageLabel } from './image-label.ts';

/** A node of an ancestry graph. */
export interface GraphNode {
  digest: Digest;
  tags: readonly string[];
}

/** An edge from an image to an image built on it. */
export interface GraphEdge {
  from: Digest;
  to: Digest;
}

export const GRAPH_FORMATS = ['mermaid', 'dot'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

function nodeId(digest: Digest): string {
  return `i${digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 17)}`;
}

function quoted(text: string): string {
  return JSON.stringify(text);
}

/** Renders nodes and edges as a Mermaid flowchart (top down) or a Graphviz digraph. */
export function renderGraph(
  format: GraphFormat,
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
): string {
  const label = (node: GraphNode) => imageLabel(node.digest, node.tags).replace(/\s+/g, ' ');
  if (format === 'mermaid') {
    const lines = ['flowchart TD'];
    for (const node of nodes) lines.push(`  ${nodeId(node.digest)}[${quoted(label(node))}]`);
    for (const edge of edges) lines.push(`  ${nodeId(edge.from)} --> ${nodeId(edge.to)}`);

    return `${lines.join('\n')}\n`;
  }

  const lines = ['digraph ancestry {', '  rankdir=TB;', '  node [shape=box];'];
  for (const node of nodes) lines.push(`  ${nodeId(node.digest)} [label=${quoted(label(node))}];`);
  for (const edge of edges) lines.push(`  ${nodeId(edge.from)} -> ${nodeId(edge.to)};`);
  lines.push('}');

  return `${lines.join('\n')}\n`;
}

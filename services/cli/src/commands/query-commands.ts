import { isDigest, type ComparisonRequest, type ImageRecord } from '@strata/core';
import { Command, Option } from 'commander';

import type { CliServices } from '../cli-services.ts';
import { outputOption, type OutputMode } from '../output/output-mode.ts';
import { renderAncestry } from '../output/render-ancestry.ts';
import { renderTree } from '../output/render-tree.ts';
import { renderComparison } from '../output/render-comparison.ts';
import { GRAPH_FORMATS, renderGraph, type GraphFormat } from '../output/render-graph.ts';
import { imageLabel } from '../output/image-label.ts';
import { findStoredImage } from '../queries/find-stored-image.ts';
import {
  queryAncestry,
  queryComparison,
  queryDescendants,
  type Descendant,
  type QueryPorts,
} from '../queries/query-ancestry.ts';
import { EXIT_STATUS, runCommand, usageError, type CommandScope } from '../run-command.ts';

interface QueryFlags {
  output: OutputMode;
  format?: GraphFormat;
}

async function queryPorts(scope: CommandScope): Promise<QueryPorts> {
  return { store: await scope.ports.store(), index: await scope.ports.index() };
}

function formatOption(): Option {
  return new Option('--format <format>', 'print the graph as Mermaid or Graphviz DOT').choices(
    GRAPH_FORMATS,
  );
}

/** `strata ancestors IMAGE`: the stored ancestry of an image, base at the top. */
export function ancestorsCommand(services: CliServices): Command {
  return new Command('ancestors')
    .description('show the stored ancestors of an image, from its base down to the image')
    .argument('<image>', 'manifest digest or stored tag')
    .addOption(outputOption())
    .addOption(formatOption())
    .action((image: string, flags: QueryFlags) =>
      runCommand(services, async (scope) => {
        const ports = await queryPorts(scope);
        const record = await findStoredImage(ports.store, image);
        const ancestry = await queryAncestry(ports, record);
        const out = scope.services.io.stdout;
        if (flags.format !== undefined) {
          const chain = [...ancestry.ancestors].reverse();
          const nodes = [...chain, { digest: record.image.digest, tags: record.image.tags }];
          const edges = nodes.slice(1).map((node, position) => ({
            from: nodes[position]?.digest ?? node.digest,
            to: node.digest,
          }));
          out.write(renderGraph(flags.format, nodes, edges));
        } else if (flags.output === 'json') {
          out.write(`${JSON.stringify(ancestry)}\n`);
        } else {
          out.write(renderAncestry(ancestry));
        }

        return EXIT_STATUS.ok;
      }),
    );
}

function renderDescendants(root: ImageRecord, descendants: readonly Descendant[]): string {
  const children = new Map<string, ImageRecord[]>();
  for (const descendant of descendants) {
    const siblings = children.get(descendant.parent) ?? [];
    siblings.push(descendant.record);
    children.set(descendant.parent, siblings);
  }

  const lines = renderTree([root], {
    children: (record) => children.get(record.image.digest) ?? [],
    label: (record) => imageLabel(record.image.digest, record.image.tags),
  });
  if (descendants.length === 0) lines.push('  no descendants stored');

  return `${lines.join('\n')}\n`;
}

/** `strata descendants IMAGE`: the stored images built on an image, as a tree. */
export function descendantsCommand(services: CliServices): Command {
  return new Command('descendants')
    .description('show the stored images built on an image, as a tree')
    .argument('<image>', 'manifest digest or stored tag')
    .addOption(outputOption())
    .addOption(formatOption())
    .action((image: string, flags: QueryFlags) =>
      runCommand(services, async (scope) => {
        const ports = await queryPorts(scope);
        const record = await findStoredImage(ports.store, image);
        const descendants = await queryDescendants(ports, record);
        const out = scope.services.io.stdout;
        if (flags.format !== undefined) {
          const nodes = [record, ...descendants.map((d) => d.record)].map((r) => ({
            digest: r.image.digest,
            tags: r.image.tags,
          }));
          const edges = descendants.map((d) => ({ from: d.parent, to: d.record.image.digest }));
          out.write(renderGraph(flags.format, nodes, edges));
        } else if (flags.output === 'json') {
          const body = descendants.map((d) => ({
            digest: d.record.image.digest,
            tags: d.record.image.tags,
            layerCount: d.record.blobChains.length,
            parent: d.parent,
          }));
          out.write(
            `${JSON.stringify({ image: { digest: record.image.digest }, descendants: body })}\n`,
          );
        } else {
          out.write(renderDescendants(record, descendants));
        }

        return EXIT_STATUS.ok;
      }),
    );
}

function comparisonRequest(
  to: string | undefined,
  ancestors: readonly string[],
): ComparisonRequest {
  if (to === undefined || to === 'default') return { relation: 'default' };
  if (to === 'base' || to === 'parent') return { relation: to };
  if (!isDigest(to)) {
    throw usageError(`--to: expected base, parent or a manifest digest, got ${JSON.stringify(to)}`);
  }

  return ancestors.includes(to)
    ? { relation: 'ancestor', digest: to }
    : { relation: 'image', digest: to };
}

/** `strata compare IMAGE`: the image's findings against its base, parent or another image. */
export function compareCommand(services: CliServices): Command {
  return new Command('compare')
    .description('compare the findings of an image with those of its base, parent or any image')
    .argument('<image>', 'manifest digest or stored tag')
    .option('--to <target>', 'base, parent or a manifest digest (default: marked base, else base)')
    .addOption(outputOption())
    .action((image: string, flags: QueryFlags & { to?: string }) =>
      runCommand(services, async (scope) => {
        const ports = await queryPorts(scope);
        const record = await findStoredImage(ports.store, image);
        const ancestry = await queryAncestry(ports, record);
        const request = comparisonRequest(
          flags.to,
          ancestry.ancestors.map((a) => a.digest),
        );
        const comparison = await queryComparison(ports, record, request);
        const out = scope.services.io.stdout;
        out.write(
          flags.output === 'json'
            ? `${JSON.stringify(comparison)}\n`
            : renderComparison(comparison),
        );

        return EXIT_STATUS.ok;
      }),
    );
}

import { z } from 'zod';

import { StrataError } from '../errors.ts';
import type { AnalyzedEvent } from '../events/analyzed-event.ts';
import { parseWith } from '../events/parse-event.ts';
import {
  analysisTime,
  finishEvent,
  manifestLayers,
  type ConvertOptions,
} from './convert-options.ts';

const TOOL = 'Anchore policy evaluation';

const gateTableSchema = z.object({
  result: z.object({
    header: z.array(z.string()),
    rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  }),
});

const evaluationSchema = z.object({
  detail: z.object({ result: z.object({ result: z.record(z.string(), z.unknown()) }) }),
  last_evaluation: z.string().optional(),
});

const policyReportSchema = z
  .array(z.record(z.string(), z.record(z.string(), z.array(evaluationSchema).min(1))))
  .min(1);

/**
 * Converts an Anchore policy evaluation (`anchore-cli --json evaluate check IMAGE --detail`) to
 * an `image.analyzed` event with policy findings from the gate table: gate, trigger, trigger id,
 * gate action and check output. The report lists no layers, so `options.layerDigests` is
 * required. A report with several images needs `options.digest` to choose one.
 */
export function convertAnchorePolicyEvaluation(
  report: unknown,
  options: ConvertOptions = {},
): AnalyzedEvent {
  const parsed = parseWith(policyReportSchema, report, `${TOOL} report`, 'INVALID_REPORT');
  const { digest, tag, evaluation } = chooseEvaluation(parsed, options.digest);
  const policyFindings = gateRows(evaluation.detail.result.result).map((row) => ({
    gate: row.Gate,
    trigger: row.Trigger,
    triggerId: row.Trigger_Id,
    action: row.Gate_Action,
    message: row.Check_Output,
  }));

  return finishEvent(TOOL, {
    schemaVersion: 1,
    analyzedAt: analysisTime(TOOL, evaluation.last_evaluation, options),
    image: { digest, layers: manifestLayers(TOOL, options), tags: [tag, ...(options.tags ?? [])] },
    policyFindings,
  });
}

type PolicyReport = z.infer<typeof policyReportSchema>;

function chooseEvaluation(report: PolicyReport, requestedDigest: string | undefined) {
  const entries = report.flatMap((item) =>
    Object.entries(item).flatMap(([digest, byTag]) =>
      Object.entries(byTag).map(([tag, evaluations]) => ({ digest, tag, evaluations })),
    ),
  );
  const chosen = entries.filter(
    (entry) => requestedDigest === undefined || entry.digest === requestedDigest,
  );
  const first = chosen[0];
  const evaluation = first?.evaluations[0];
  if (
    first === undefined ||
    evaluation === undefined ||
    (requestedDigest === undefined && chosen.length > 1)
  ) {
    const digests = entries.map((entry) => entry.digest).join(', ');
    throw new StrataError(
      'INVALID_REPORT',
      `${TOOL} report: ${chosen.length} evaluations match; pass --digest with one of: ${digests}`,
      { details: { field: 'digest', value: requestedDigest ?? null } },
    );
  }

  return { digest: first.digest, tag: first.tag, evaluation };
}

/**
 * Reads the gate table rows of an evaluation as objects keyed by the header names. Cells are
 * left as they are; the event schema then rejects a gate, trigger or id that is not a string.
 */
function gateRows(result: Record<string, unknown>): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const value of Object.values(result)) {
    const table = gateTableSchema.safeParse(value);
    if (!table.success) {
      continue;
    }

    const { header, rows: cells } = table.data.result;
    for (const row of cells) {
      rows.push(Object.fromEntries(header.map((name, column) => [name, row[column]])));
    }
  }

  return rows;
}

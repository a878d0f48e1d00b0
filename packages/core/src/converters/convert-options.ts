import { describeValue } from '../digest.ts';
import { StrataError } from '../errors.ts';
import { analyzedEventSchema, type AnalyzedEvent } from '../events/analyzed-event.ts';
import { parseWith } from '../events/parse-event.ts';
import { analysisTimeKey } from '../model/analysis-time.ts';
import type { Digest } from '../model/image.ts';

/** Facts about the scanned image that the report does not record. */
export interface ConvertOptions {
  /** Platform manifest digest; required when the report does not record it. */
  digest?: Digest;
  /**
   * Compressed layer digests from the registry manifest, bottom first. Without them, a report
   * that records only diff IDs gets its diff IDs as layer digests and
   * `layerDigestSource: 'diffId'`.
   */
  layerDigests?: readonly Digest[];
  /** Analysis time (ISO 8601 with a UTC offset); overrides the report's, required without it. */
  analyzedAt?: string;
  /** Tags added to those the report records. */
  tags?: readonly string[];
}

/** Raises `INVALID_REPORT` for something a report lacks and no option supplied. */
export function missing(tool: string, item: string, remedy: string): never {
  throw new StrataError('INVALID_REPORT', `${tool} report: missing ${item}; ${remedy}`, {
    details: { field: item },
  });
}

/**
 * Returns the analysis time from the options, else the report, in UTC ISO 8601; else raises.
 * The time must be an ISO 8601 date-time with seconds and a UTC offset (`Z` or `+01:00`),
 * because a time without an offset would be read in the local time zone of the host.
 */
export function analysisTime(
  tool: string,
  reported: string | undefined,
  options: ConvertOptions,
): string {
  const time = options.analyzedAt ?? reported;
  if (time === undefined) {
    return missing(tool, 'analysis time', 'pass it with the analyzedAt option (--analyzed-at)');
  }

  const parsed = Date.parse(time);
  if (!hasUtcOffset(time) || Number.isNaN(parsed)) {
    const source = options.analyzedAt === undefined ? 'the report' : '--analyzed-at';
    const message =
      `${tool} report: invalid analysis time ${describeValue(time)} from ${source}: ` +
      'expected an ISO 8601 date-time with a UTC offset, such as 2026-01-31T12:00:00Z';
    throw new StrataError('INVALID_REPORT', message, {
      details: { field: 'analyzedAt', value: describeValue(time) },
    });
  }

  return new Date(parsed).toISOString();
}

function hasUtcOffset(time: string): boolean {
  try {
    analysisTimeKey(time);

    return true;
  } catch {
    return false;
  }
}

/** One layer as a report gives it: the diff ID and, when known, the compressed digest. */
export interface ReportedLayer {
  diffId: Digest;
  digest?: Digest;
  mediaType?: string;
}

/**
 * Builds the event's layer list. Compressed digests come from `options.layerDigests`, else from
 * the report; when neither has all of them, the diff IDs stand in as digests and the event is
 * marked with `layerDigestSource: 'diffId'`. Sizes are left out, because reports give
 * uncompressed sizes where the event expects compressed ones.
 */
export function eventLayers(
  tool: string,
  reported: readonly ReportedLayer[],
  options: ConvertOptions,
) {
  const optionDigests = options.layerDigests;
  if (optionDigests !== undefined && optionDigests.length !== reported.length) {
    throw new StrataError(
      'INVALID_REPORT',
      `${tool} report: ${optionDigests.length} layer digests given for ${reported.length} layers`,
      { details: { field: 'layerDigests', value: optionDigests.length } },
    );
  }

  const digests = optionDigests ?? reported.map((layer) => layer.digest);
  const complete = digests.every((digest) => digest !== undefined);
  const layers = reported.map((layer, position) => {
    const digest = complete ? (digests[position] ?? layer.diffId) : layer.diffId;
    const result: AnalyzedEvent['image']['layers'][number] = { digest, diffId: layer.diffId };
    if (layer.mediaType !== undefined) result.mediaType = layer.mediaType;

    return result;
  });

  return { layers, layerDigestSource: complete ? ('manifest' as const) : ('diffId' as const) };
}

/** Validates a converted event against the `image.analyzed` schema. */
export function finishEvent(tool: string, event: unknown): AnalyzedEvent {
  return parseWith(
    analyzedEventSchema,
    event,
    `image.analyzed event from ${tool}`,
    'INVALID_REPORT',
  );
}

/** Parses JSON text, raising `INVALID_REPORT` with the parser's message when it is malformed. */
export function parseReportJson(tool: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StrataError('INVALID_REPORT', `${tool} report: invalid JSON: ${reason}`, {
      cause: error,
    });
  }
}

/** Returns the layers given in `options.layerDigests`, for reports that list none; else raises. */
export function manifestLayers(tool: string, options: ConvertOptions) {
  const digests = options.layerDigests;
  if (digests === undefined || digests.length === 0) {
    return missing(tool, 'layers', 'pass the manifest layer digests with --layer-digests');
  }

  return digests.map((digest) => ({ digest }));
}

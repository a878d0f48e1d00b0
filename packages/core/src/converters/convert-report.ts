import type { AnalyzedEvent } from '../events/analyzed-event.ts';
import { convertAnchorePolicyEvaluation } from './anchore-policy-evaluation.ts';
import { convertAnchoreVulnerabilities } from './anchore-vulnerabilities.ts';
import type { ConvertOptions } from './convert-options.ts';
import { convertGrypeReport } from './grype-report.ts';
import { convertSyftSbom } from './syft-sbom.ts';
import { convertTrivyReport } from './trivy-report.ts';

/** Converter of each supported report format, by the name the `convert` command takes. */
export const REPORT_CONVERTERS = {
  trivy: convertTrivyReport,
  grype: convertGrypeReport,
  syft: convertSyftSbom,
  'anchore-vulnerabilities': convertAnchoreVulnerabilities,
  'anchore-policy': convertAnchorePolicyEvaluation,
} as const satisfies Record<string, (report: unknown, options?: ConvertOptions) => AnalyzedEvent>;

export type ReportFormat = keyof typeof REPORT_CONVERTERS;

export const REPORT_FORMATS = Object.keys(REPORT_CONVERTERS) as ReportFormat[];

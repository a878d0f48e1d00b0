import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { SCANNER_OUTPUTS_DIR } from './paths.ts';

/** The bundled scanner output files, by path under `scanner-outputs/`. */
export const SCANNER_OUTPUT_FILES = [
  'trivy/distroless-base.json',
  'trivy/distroless-python27.json',
  'trivy/spring4shell-jre8.json',
  'trivy/spring4shell-jre11.json',
  'grype/anchore-test_images-on-alpine.json',
  'grype/keycloak-21.0.2.json',
  'grype/defectdojo-django-1.13.1.json',
  'syft/alpine-latest.json',
  'syft/alpine-3.16.json',
  'anchore-engine/cloudbees-agent-vulns-with-base-digest.json',
  'anchore-enterprise/builder-maven-policy-evaluation.json',
] as const;

export type ScannerOutputName = (typeof SCANNER_OUTPUT_FILES)[number];

/** Returns the absolute path of a bundled scanner output. */
export function scannerOutputPath(name: ScannerOutputName): string {
  return join(SCANNER_OUTPUTS_DIR, name);
}

/** Reads a bundled scanner output as text, byte for byte as its source repository has it. */
export function scannerOutputText(name: ScannerOutputName): string {
  return readFileSync(scannerOutputPath(name), 'utf8');
}

/** Reads and parses a bundled scanner output; the result is untrusted JSON for a converter. */
export function scannerOutput(name: ScannerOutputName): unknown {
  return JSON.parse(scannerOutputText(name)) as unknown;
}

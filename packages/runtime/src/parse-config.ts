import { StrataError } from '@strata/core';
import type { z } from 'zod';
import { maskValue } from './mask-credentials.ts';

/** The process environment, or any map of the same shape; never read at import time. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** One invalid or missing variable. */
export interface ConfigProblem {
  variable: string;
  /** The value as given, masked when the variable contains a secret; undefined when not set. */
  value: unknown;
  message: string;
}

/**
 * Parses `env` through one schema per service and returns the typed config. Throws one
 * `INVALID_CONFIG` StrataError whose message lists every problem (variable, masked value and
 * what is wrong), with the same list under `details.problems`.
 */
export function parseConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: Environment,
): z.output<Schema> {
  const result = schema.safeParse(env);
  if (result.success) {
    return result.data;
  }

  const problems = result.error.issues.map((issue) => toProblem(issue, env));
  throw new StrataError('INVALID_CONFIG', formatProblems(problems), { details: { problems } });
}

function toProblem(issue: z.core.$ZodIssue, env: Environment): ConfigProblem {
  const variable = issue.path.length > 0 ? String(issue.path[0]) : '(environment)';
  const value = maskValue(variable, env[variable]);

  return { variable, value, message: issue.message };
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map(({ variable, value, message }) => {
    const displayed = value === undefined ? 'not set' : JSON.stringify(value);
    return `  ${variable} (${displayed}): ${message}`;
  });

  return `invalid configuration, ${problems.length} problem(s):\n${lines.join('\n')}`;
}

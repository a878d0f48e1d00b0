import type { z } from 'zod';

import { describeValue } from '../digest.ts';
import { StrataError, type ErrorCode } from '../errors.ts';

const MAX_LISTED_ISSUES = 5;

/**
 * Parses an untrusted value with a schema. Raises `code` when given; otherwise
 * `LIMIT_EXCEEDED` when a bound is exceeded, `UNSUPPORTED_SCHEMA_VERSION` for another
 * `schemaVersion`, else `INVALID_EVENT`. The message names each offending field path and its
 * value, truncated.
 */
export function parseWith<T>(
  schema: z.ZodType<T>,
  value: unknown,
  subject: string,
  code?: ErrorCode,
): T {
  const prototypeKey = findPrototypeKey(value);
  if (prototypeKey !== undefined) {
    const field = formatPath(prototypeKey);
    const message = `invalid ${subject}: ${field}: the key "__proto__" is not allowed`;
    throw new StrataError(code ?? 'INVALID_EVENT', message, { details: { field } });
  }

  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) {
    return result.data;
  }

  const issues = result.error.issues;
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map(formatIssue);
  const hidden = issues.length - listed.length;
  const more = hidden > 0 ? `; and ${hidden} more` : '';
  const first = issues[0];
  const field = first === undefined ? '' : formatPath(first.path);
  const message = `invalid ${subject}: ${listed.join('; ')}${more}`;
  throw new StrataError(code ?? errorCode(issues), message, { details: { field, issues: listed } });
}

function errorCode(issues: readonly z.core.$ZodIssue[]) {
  if (issues.some((issue) => issue.code === 'too_big')) {
    return 'LIMIT_EXCEEDED';
  }

  if (issues.some(isOtherSchemaVersion)) {
    return 'UNSUPPORTED_SCHEMA_VERSION';
  }

  return 'INVALID_EVENT';
}

function isOtherSchemaVersion(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_value' && formatPath(issue.path) === 'schemaVersion';
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path) || '(root)';
  const got = showsInput(issue) ? ` (got ${describeValue(issue.input)})` : '';

  return `${path}: ${issue.message}${got}`;
}

/**
 * Tells whether an issue's input is quoted in the message. A too-big array or object is left
 * out, because its printed form can be as large as the input. A number or string is quoted,
 * truncated.
 */
function showsInput(issue: z.core.$ZodIssue): boolean {
  if (!('input' in issue)) {
    return false;
  }

  return issue.code !== 'too_big' || ['number', 'string'].includes(typeof issue.input);
}

/** A value met by `findPrototypeKey`, linked to its parent so the walk copies no paths. */
interface WalkNode {
  value: unknown;
  key: PropertyKey;
  parent: WalkNode | undefined;
}

function pathOf(node: WalkNode | undefined): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let current = node; current?.parent !== undefined; current = current.parent) {
    path.push(current.key);
  }

  return path.reverse();
}

/**
 * Returns the path of the first object key `__proto__` in a parsed JSON value, or undefined.
 * `JSON.parse` keeps such a key as data, while copying the object through assignment, as schema
 * parsing does, turns it into a prototype change and drops it unseen. The walk uses a stack of
 * its own, so deep nesting cannot overflow the call stack, and links each value to its parent
 * instead of copying paths, so it takes time linear in the size of the value.
 */
export function findPrototypeKey(value: unknown): PropertyKey[] | undefined {
  const pending: WalkNode[] = [{ value, key: '', parent: undefined }];
  for (;;) {
    const node = pending.pop();
    if (node === undefined) {
      return undefined;
    }

    const item = node.value;
    if (typeof item !== 'object' || item === null) {
      continue;
    }

    if (Array.isArray(item)) {
      item.forEach((element: unknown, index) =>
        pending.push({ value: element, key: index, parent: node }),
      );
      continue;
    }

    if (Object.hasOwn(item, '__proto__')) {
      return [...pathOf(node), '__proto__'];
    }

    for (const [key, element] of Object.entries(item)) {
      pending.push({ value: element, key, parent: node });
    }
  }
}

/** Formats a path as `image.layers[3].digest`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') {
      text += `[${key}]`;
    } else {
      text += text === '' ? String(key) : `.${String(key)}`;
    }
  }

  return text;
}
